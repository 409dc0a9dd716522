# Generates multable.bf: a 9x9 table of chr(33 + i*j), computed with nested copy and add loops.
# Run: python3 gen_multable.py > multable.bf
#      python3 gen_multable.py 30 5 > bigtable.bf   (rows/columns 30..34: long inner loops)
import sys
START = int(sys.argv[1]) if len(sys.argv) > 1 else 1
COUNT = int(sys.argv[2]) if len(sys.argv) > 2 else 9
out = []
ptr = 0
def goto(c):
    global ptr
    out.append('>' * (c - ptr) if c > ptr else '<' * (ptr - c)); ptr = c
def add(c, n):
    goto(c); out.append('+' * n if n > 0 else '-' * (-n))
def clear(c):
    goto(c); out.append('[-]')
def set_(c, n):
    clear(c); add(c, n)
def loop(c, body):
    goto(c); out.append('['); body(); goto(c); out.append(']')
def move_add(src, dsts):
    def b():
        add(src, -1)
        for d in dsts: add(d, 1)
    loop(src, b)
def copy(src, dst, tmp):
    clear(dst); clear(tmp)
    move_add(src, [dst, tmp])
    move_add(tmp, [src])
def emit(c):
    goto(c); out.append('.')
R, I, C, J, OUT, T1, T2, T3, NL = range(9)
set_(R, COUNT); set_(NL, 10); clear(I); add(I, START - 1)
def row():
    add(I, 1); set_(C, COUNT); clear(J); add(J, START - 1)
    def col():
        add(J, 1); set_(OUT, 33)
        copy(J, T1, T2)
        def times():
            copy(I, T3, T2)
            move_add(T3, [OUT])
            add(T1, -1)
        loop(T1, times)
        emit(OUT); add(C, -1)
    loop(C, col)
    emit(NL); add(R, -1)
loop(R, row)
code = ''.join(out)
lines = [code[i:i+72] for i in range(0, len(code), 72)]
# The comment must not contain any of the eight command characters.
print(f"multable: prints a {COUNT} by {COUNT} table whose cell at row i and column j for i and j from {START} is the byte 33 plus i times j modulo 256")
print("computed with nested copy and add loops: the shape of Mandelbrot's inner loops")
print("Written for metajit's tests: gen_multable dot py generates it")
print('\n'.join(lines))
