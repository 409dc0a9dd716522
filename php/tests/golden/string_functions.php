<?php
// String built-ins: comparisons, searching, reshaping, escaping, HTML, encodings, digests and
// number bases, with their argument checks, warnings and edge cases.
function t($f) {
    try {
        var_dump($f());
    } catch (Throwable $e) {
        echo get_class($e), ": ", $e->getMessage(), "\n";
    }
}

echo "-- comparisons\n";
var_dump(strcmp("a", "z"), strcmp("abcd", "a"), strcasecmp("A", "z"), strcasecmp("hello", "HELLOxx"));
var_dump(strncmp("abc", "abd", 2), strncmp("abc", "abd", 3), strncmp("abcd", "ab", 4), strncasecmp("ABC", "abd", 3));
t(fn() => strncmp("a", "b", -1));
t(fn() => strncasecmp("a", "b"));
t(fn() => strncmp([], "b", 1));
var_dump(strnatcmp("img12", "img10"), strnatcmp("1.5", "1.10"), strnatcmp("007", "7"), strnatcmp("x007", "x7"), strnatcmp("a  b", "a b"), strnatcmp("", "a"));
var_dump(strnatcasecmp("A1", "a2"), strnatcasecmp("IMG12", "img10"));
var_dump(similar_text("World", "Word"), similar_text("", ""), levenshtein("kitten", "sitting"), levenshtein("a", "b", 2, 3, 4), levenshtein("", "abc", 2));
var_dump(soundex("Robert"), soundex("Ashcraft"), soundex(""), soundex("Tymczak"));
foreach (["Thompson", "knight", "wright", "Xavier", "science", "laugh", "gnome", "character", "dumb", "schwartz", "photo"] as $w) {
    echo $w, " ", metaphone($w), " ", metaphone($w, 2), "\n";
}
t(fn() => metaphone("a", -1));

echo "-- searching\n";
var_dump(strstr("user@example.com", "@"), strstr("user@example.com", "@", true), strstr("abc", ""), strstr("abc", "x"), strchr("a.b", "."));
var_dump(stristr("HayStack", "st"), stristr("HayStack", "ST", true), strrchr("a/b/c", "/x"), strrchr("abc", ""), strpbrk("This is a test", "st"));
t(fn() => strpbrk("abc", ""));
var_dump(stripos("ABC", "b"), strripos("ABCb", "B"), strrpos("abcabc", "b", 2), strrpos("abcabc", "b", -2), strrpos("abcabc", "b", -6), strrpos("abcabc", "bc", -1), strrpos("abcabc", "", -1));
t(fn() => strrpos("abc", "b", 7));
t(fn() => stripos("ABC", "b", -5));
var_dump(substr_count("hello hello", "ll"), substr_count("aaa", "aa"), substr_count("hello world", "o", -4), substr_count("hello world", "o", 3, -2));
t(fn() => substr_count("aaa", ""));
t(fn() => substr_count("hello", "o", 9));
t(fn() => substr_count("hello", "o", 3, 5));
var_dump(count_chars("abca", 1), count_chars("abca", 3), strlen(count_chars("abca", 4)), count(count_chars("abca")));
t(fn() => count_chars("abc", 5));
var_dump(strtok("a b  c", " "), strtok(" "), strtok(" "), strtok(" "));
var_dump(strtok("x,y;z", ",;"), strtok(";"), strtok(""), strtok(","));
t(fn() => strtok("a", "b", "c"));

echo "-- reshaping\n";
var_dump(wordwrap("The quick brown fox sat over the lazy dog", 15, "\n", true));
var_dump(wordwrap("A very long woooooooooooord.", 8, "\n", true), wordwrap("A very long woooooooooooord.", 8));
var_dump(wordwrap("The quick  brown   fox", 5, "<br>"), wordwrap("abc def ghi", -1, "--", true), wordwrap(""));
t(fn() => wordwrap("abc", 0, "\n", true));
t(fn() => wordwrap("abc", 10, ""));
var_dump(chunk_split("abcdefg", 3, "|"), chunk_split("abc"), chunk_split("", 2));
t(fn() => chunk_split("abc", 0));
var_dump(str_split("abcdef", 4), str_split(""));
t(fn() => str_split("abc", -1));
var_dump(nl2br("a\nb\r\nc\n\rd\re"), nl2br("a\nb", false));
var_dump(str_word_count("Hello fri3nd, you're looking good to-day"), str_word_count("Hello fri3nd, you're", 1, "0..9"), str_word_count("'abc' -ab- a'b'c 'a-b-' --", 2));
t(fn() => str_word_count("x", 3));
var_dump(substr_replace("Hello", "J", 0, 1), substr_replace("Hello", "XX", -2), substr_replace("Hello", "XX", 1, -10), substr_replace("Hello", "XX", 2, null));
var_dump(substr_replace(["abc", "def"], ["X", "Y"], [0, 1], [1, 2]), substr_replace(["a" => "abc", "b" => "def"], ["X"], [0, 1]), substr_replace("abc", ["X", "Y"], 1));
t(fn() => substr_replace("abc", "X", [1]));
t(fn() => substr_replace("abc", "X", "x"));
t(fn() => substr_replace(new stdClass, "X", 0));
var_dump(ucwords("hello_world-foo bar", "_-"), ucwords("hello world", "a..z"), ucfirst(""), lcfirst("ABC"), strrev("abc"));
var_dump(trim("abcxyz", "a..c"), trim("..abc..", "."), rtrim("xxayy", "a..z"));
t(fn() => trim("abc", "z..a"));
t(fn() => trim("..a", "..a"));
t(fn() => str_pad("abc", 10, "xyz", STR_PAD_BOTH));
t(fn() => str_pad("abc", 6, ""));
t(fn() => explode(",", "a,b,c,d", -2));
t(fn() => explode(",", "a,b,c,d", -5));
t(fn() => explode(",", "a,b", 0));
t(fn() => vsprintf("%04d-%02d-%02d", explode("-", "1988-8-1")));
t(fn() => vsprintf("%s %s", ["a" => "x", "b" => "y"]));
t(fn() => vsprintf("%d %d", [1]));
t(fn() => vprintf("%5.1f|%-4s|\n", [3.14159, "ab"]));

echo "-- escaping\n";
var_dump(addslashes("O'Re\"il\\ly\0x"), stripslashes("O\\'Re\\\\il\\0ly\\"), quotemeta("1+1=2? (yes) [x] ^$ . * \\"));
var_dump(addcslashes("foo[bar]", 'A..Z'), addcslashes("zoo['.']\n\t\x01\x7f\xff\r\x07", "\0..\37!@\177..\377"), addcslashes("abc.d", "a.."));
var_dump(stripcslashes('\n\t\x41\101\e\a\\\\\q\x4g\1234'), stripcslashes('abc\\'));

echo "-- html\n";
var_dump(htmlspecialchars("<a href='x'>T&amp;C \"q\"</a>"), htmlspecialchars("<a href='x'>\"q\"</a>", 0), htmlspecialchars("'\"", 2));
var_dump(htmlspecialchars("'", 3 | 16), htmlspecialchars("&amp; &eacute; &foo; &#123; &#x1F; &#xZZ; &#1114112; &apos;", 3, null, false));
var_dump(bin2hex(htmlspecialchars("a\xffb\xc3\xa9\xe2\x82")), htmlspecialchars("a\xffb", 3), htmlspecialchars("a\xffb", 3 | 4), bin2hex(htmlspecialchars("a\xff<", 3, "ISO-8859-1")));
t(fn() => htmlspecialchars("a<", 3, "foo"));
var_dump(htmlspecialchars_decode("&lt;p&gt;&amp;amp; &quot;x&quot; &#039;y&#39; &#x27; &apos; &#60; &#65; &eacute;"), htmlspecialchars_decode("&quot; &#039;", 0), htmlspecialchars_decode("&apos;", 3 | 16));
var_dump(html_entity_decode("&eacute;&nbsp;&copy;&euro;&hellip; &apos; &#233; &#xE9; &#0; &#128; &#x110000; &amp;lt; &eacute"));
var_dump(html_entity_decode("&apos; &#13; &#12; &eacute;", 3 | 16), bin2hex(html_entity_decode("&eacute; &#8364;", 3, "ISO-8859-1")));
var_dump(htmlentities("café <b> © € \xff"), htmlentities("café 'x'", 0), htmlentities("&eacute; &amp;", 3, null, false));

echo "-- encodings\n";
var_dump(bin2hex("\x00\xff"), hex2bin("6869"), hex2bin("6A6b"), hex2bin(""));
t(fn() => hex2bin("686"));
t(fn() => hex2bin("zz"));
var_dump(urlencode("a b&c=d/e?f~g.h-i_j*k+\xff"), rawurlencode("a b&c~\xff"), urldecode("a+b%20c%2x%4A%%zz%"), rawurldecode("a+b%20c"));
var_dump(base64_encode(""), base64_encode("a"), base64_encode("ab"), base64_encode("abc\xff\xfe"));
var_dump(base64_decode("YWJj"), base64_decode("YW Jj\n"), base64_decode("YW*Jj"), base64_decode("YW*Jj", true), base64_decode("YQ==YQ"), base64_decode("YQ==YQ", true), base64_decode("YQ=", true), base64_decode("YQ", true), base64_decode("Y", true));

echo "-- digests\n";
var_dump(md5(""), md5("The quick brown fox jumps over the lazy dog"), bin2hex(md5("abc", true)), md5(str_repeat("a", 1000)));
var_dump(sha1(""), sha1("abc"), strlen(sha1("abc", true)), sha1(str_repeat("a", 1000)));
var_dump(crc32("The quick brown fox jumped over the lazy dog."), crc32(""), crc32("\xff\xff\xff\xff"));

echo "-- number bases\n";
var_dump(hexdec("ff"), hexdec("0xff"), hexdec(" ff "), hexdec("ffffffffffffffff"), hexdec("7fffffffffffffff"), bindec("0b101"), octdec("0o17"), octdec("777"));
var_dump(hexdec("fg"), octdec("-7"));
var_dump(decbin(-1), decbin(5), decoct(8), dechex(255));
t(fn() => decbin("abc"));
var_dump(base_convert("ff", 16, 2), base_convert("zz", 36, 10), base_convert("FF", 16, 36), base_convert("ffffffffffffffffffff", 16, 10), base_convert("-12", 10, 2));
t(fn() => base_convert("1", 1, 10));
t(fn() => base_convert("1", 10, 37));
