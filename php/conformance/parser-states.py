#!/usr/bin/env python3
"""Parser-state coverage for syntax-error messages.

PHP's parser is bison's LALR automaton for Zend/zend_language_parser.y with
`parse.error verbose`: on an error it lists the tokens that have an explicit action in the
state where the error is detected (after all default reductions), in token-number order,
and only when there are at most four. This script builds that automaton from php-src's
grammar with bison (read at run time, nothing of it is kept), finds for every state where an
error can be detected a short token path that reaches it, spells the tokens as PHP source,
checks with PHP's own tokenizer and a simulation of the automaton that the input really
fails in that state, and writes one case per state to a fixture file in the format of
php/syntax/tests/fixtures/messages.txt. `php -n tests/fixtures/update-messages.php FILE` then
records what real `php -n -l` says, and the test suite checks hippy against it.

usage: php/conformance/parser-states.py [--php-src DIR] [--out FILE]
needs: bison, php with the tokenizer extension.
"""
import argparse, heapq, json, os, re, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument('--php-src', default=os.environ.get('PHP_SRC', os.path.expanduser('~/.cache/php-src-8.2')))
ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '../syntax/tests/fixtures/parser-states.txt'))
args = ap.parse_args()

tmp = tempfile.mkdtemp()
subprocess.run(['bison', '-v', '-Wnone', '-o', f'{tmp}/p.c', f'{args.php_src}/Zend/zend_language_parser.y'], check=True)
C = open(f'{tmp}/p.c').read()
report = open(f'{tmp}/p.output').read()

def arr(name):
    m = re.search(r'static const \w+ ' + name + r'\[\] =\s*\{(.*?)\};', C, re.S)
    return [int(x) for x in re.findall(r'-?\d+', m.group(1))]
def define(name):
    return int(re.search(r'#define ' + name + r'\s+\(?(-?\d+)', C).group(1))
pact, defact, pgoto, defgoto = arr('yypact'), arr('yydefact'), arr('yypgoto'), arr('yydefgoto')
table, check, r1, r2, translate = arr('yytable'), arr('yycheck'), arr('yyr1'), arr('yyr2'), arr('yytranslate')
LAST, NTOK, PNINF, TNINF, FINAL = (define(n) for n in ('YYLAST', 'YYNTOKENS', 'YYPACT_NINF', 'YYTABLE_NINF', 'YYFINAL'))

def run(syms):
    """Bison's parse loop; returns the state where the error is detected, or None."""
    stack, i = [0], 0
    while True:
        s = stack[-1]
        if s == FINAL:
            return None
        tok, act = syms[i], None
        if pact[s] != PNINF:
            k = pact[s] + tok
            if 0 <= k <= LAST and check[k] == tok:
                t = table[k]
                if t == TNINF:
                    return s, i
                act = ('s', t) if t > 0 else ('r', -t)
        if act is None:
            if defact[s] == 0:
                return s, i
            act = ('r', defact[s])
        if act[0] == 's':
            stack.append(act[1]); i += 1
        else:
            r = act[1]
            if r2[r]:
                del stack[-r2[r]:]
            lhs, top = r1[r] - NTOK, stack[-1]
            g = pgoto[lhs] + top
            stack.append(table[g] if 0 <= g <= LAST and check[g] == top else defgoto[lhs])

TOKENIZE = r'''$ids = []; foreach (PhpToken::tokenize(file_get_contents($argv[1])) as $t) {
  if (in_array($t->id, [T_WHITESPACE, T_COMMENT, T_DOC_COMMENT, T_OPEN_TAG])) continue;
  $ids[] = $t->id == T_OPEN_TAG_WITH_ECHO ? T_ECHO : ($t->id == T_CLOSE_TAG ? ord(';') : $t->id); }
echo json_encode($ids);'''
def tokens(src):
    with open(f'{tmp}/c.php', 'w') as f:
        f.write(src)
    out = subprocess.run(['php', '-n', '-d', 'extension=tokenizer', '-r', TOKENIZE, f'{tmp}/c.php'],
                         capture_output=True, text=True).stdout
    return [translate[i] if i < len(translate) else 2 for i in json.loads(out or '[]')] + [0]

# Grammar and automaton from bison's report.
grammar = report.split('\nTerminals, with rules')[0]
rules, lhs = {}, None
for line in grammar.splitlines():
    m = re.match(r'^\s*(\d+) (\S+): ?(.*)$', line) or re.match(r'^\s*(\d+)\s+\| ?(.*)$', line)
    if not m:
        continue
    if m.re.pattern.startswith(r'^\s*(\d+) (\S+)'):
        lhs, rhs = m.group(2), m.group(3).split()
    else:
        rhs = m.group(2).split()
    rules[int(m.group(1))] = (lhs, [] if rhs in (['%empty'], ['ε']) else rhs)
nonterms = {l for l, _ in rules.values()}
shortest = {n: None for n in nonterms}
changed = True
while changed:
    changed = False
    for l, rhs in rules.values():
        if any(s in nonterms and shortest[s] is None for s in rhs):
            continue
        exp = [t for s in rhs for t in (shortest[s] if s in nonterms else [s])]
        if shortest[l] is None or len(exp) < len(shortest[l]):
            shortest[l], changed = exp, True
trans = {}
for m in re.finditer(r'^State (\d+)\n(.*?)(?=^State \d+\n|\Z)', report, re.M | re.S):
    trans[int(m.group(1))] = {t.group(1): int(t.group(2)) for t in re.finditer(
        r'^\s+(\S+)\s+(?:shift, and go to state|go to state) (\d+)$', m.group(2), re.M)}
paths, queue = {0: []}, [(0, 0)]
while queue:
    d, s = heapq.heappop(queue)
    if d > len(paths[s]):
        continue
    for sym, t in trans.get(s, {}).items():
        exp = shortest.get(sym) if sym in nonterms else [sym]
        if exp is None:
            continue
        p = paths[s] + exp
        if t not in paths or len(p) < len(paths[t]):
            paths[t] = p
            heapq.heappush(queue, (len(p), t))

SPELL = {'"identifier"': 'foo', '"variable"': '$v', '"integer"': '1', '"floating-point number"': '1.5',
         '"quoted string"': "'s'", '"fully qualified name"': '\\A\\B', '"namespace-relative name"': 'namespace\\A',
         '"namespaced name"': 'A\\B', '"string content"': 'abc', '"variable name"': 'vn', '"number"': '0',
         '"amp"': '&', 'T_INLINE_HTML': '?>html<?php', '"heredoc start"': '<<<EOT\n', '"heredoc end"': '\nEOT\n'}
def spell(tok):
    if tok in SPELL:
        return SPELL[tok]
    m = re.match(r"^\"'(.*)'\"$", tok) or re.match(r"^'(.*)'$", tok)
    return m.group(1).replace('\\\\', '\\') if m else None

cases = []
for s in sorted(paths):
    if defact[s] != 0 or pact[s] == PNINF:
        continue  # errors are detected only in states without a default reduction
    words = [spell(t) for t in paths[s]]
    if None in words:
        continue
    # Closing brackets last: an unmatched one is a scanner error that hides the state.
    for bad in [';', 'foo', '1', '=>', ',', '$v', '(', '{', ')', ']', '}', '']:
        body = ' '.join(words) + ' ' + bad
        hit = run(tokens('<?php ' + body))
        if hit and hit[0] == s:
            cases.append((s, body))
            break
with open(args.out, 'w') as f:
    f.write('# One syntax error per state of PHP\'s parser where errors are detected (generated by\n'
            '# php/conformance/parser-states.py; results by tests/fixtures/update-messages.php).\n')
    for s, body in cases:
        f.write(f'### state_{s}\n{body}\n>>> \n')
print(f'{len(cases)} states covered, written to {args.out}', file=sys.stderr)
