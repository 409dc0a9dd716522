<?php
// Streams and files: resources, php://memory and php://output, reads and writes, seeks,
// whole-file functions, file-system changes and tests, paths. Writes only under
// sys_get_temp_dir(), in a directory of its own, removed at the end.

$d = sys_get_temp_dir() . '/hippy_golden_files_' . getmypid() . '_' . mt_rand();
var_dump(mkdir($d), is_dir($d));

// Resources.
var_dump(STDIN, STDOUT, STDERR, get_resource_type(STDOUT), get_resource_id(STDERR));
$m = fopen('php://memory', 'w+');
var_dump($m, gettype($m), is_resource($m), (int) $m, (string) $m, (bool) $m);
var_dump($m == $m, $m === $m, $m == STDIN, STDIN < STDOUT);
print_r([STDIN, $m]);
echo "\n";

// Memory streams.
var_dump(fwrite($m, "first line\nsecond\nthird"), ftell($m), feof($m));
rewind($m);
while (($line = fgets($m)) !== false) {
    var_dump($line, feof($m));
}
var_dump(fseek($m, 6), fread($m, 4), fgetc($m), ftell($m));
var_dump(fseek($m, -5, SEEK_END), stream_get_contents($m), fseek($m, 2, SEEK_CUR));
var_dump(ftruncate($m, 5), rewind($m), fread($m, 100), feof($m));
var_dump(fclose($m), gettype($m), is_resource($m));
var_dump($m);
try {
    fwrite($m, 'x');
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
    fread('not a stream', 1);
} catch (TypeError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
$ro = fopen('php://memory', 'r');
var_dump(fwrite($ro, 'refused'), fread($ro, 1), feof($ro));

// Output: php://output is buffered like echo; STDOUT goes straight out.
echo "one\n";
fwrite(STDOUT, "two\n");
ob_start();
echo "three\n";
$out = fopen('php://output', 'w');
fwrite($out, "four\n");
fprintf(STDOUT, "%s %03d\n", 'five', 5);
$buffered = ob_get_clean();
echo 'buffered: ', json_encode_like($buffered), "\n";
var_dump(fprintf($out, "%-4s|\n", 'ab'), vfprintf($out, "%d/%d\n", [3, 4]));

function json_encode_like(string $s): string
{
    return '"' . str_replace("\n", '\n', $s) . '"';
}

// Files.
$f = "$d/data.txt";
var_dump(file_put_contents($f, "alpha\n\nbeta\r\ngamma"));
var_dump(file_put_contents($f, ['-', 'delta', "\n"], FILE_APPEND | LOCK_EX));
var_dump(file_get_contents($f));
var_dump(file($f));
var_dump(file($f, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES));
var_dump(file_get_contents($f, false, null, 7, 4));
var_dump(filesize($f), is_file($f), is_dir($f), file_exists($f), is_readable($f), is_writable($f));
$h = fopen($f, 'r');
var_dump(fgets($h, 4), fgets($h), fgets($h), ftell($h));
var_dump(fwrite($h, 'read only'));
fseek($h, 0, SEEK_END);
var_dump(fread($h, 10), feof($h), fstat($h)['size']);
fclose($h);
$h = fopen($f, 'a+');
var_dump(fwrite($h, 'Z'), rewind($h), fread($h, 5));
fclose($h);
$h = fopen($f, 'w+');
var_dump(fwrite($h, 'truncated'), fseek($h, 2), fread($h, 3), ftruncate($h, 4));
rewind($h);
var_dump(stream_get_contents($h));
fclose($h);
var_dump(fopen('no_such_file_for_hippy.txt', 'r'));
var_dump(file_get_contents('no_such_file_for_hippy.txt'));
try {
    fopen('', 'r');
} catch (ValueError $e) {
    echo get_class($e), ': ', $e->getMessage(), "\n";
}
$t = tmpfile();
fwrite($t, 'temporary');
fseek($t, 3);
var_dump(fread($t, 100), $t);

// File-system changes.
var_dump(copy($f, "$d/copy.txt"), rename("$d/copy.txt", "$d/moved.txt"));
var_dump(file_exists("$d/copy.txt"), file_get_contents("$d/moved.txt"));
var_dump(mkdir("$d/a/b/c", 0777, true), is_dir("$d/a/b/c"));
var_dump(touch("$d/a/stamp", 86400), filemtime("$d/a/stamp"));
var_dump(scandir("$d/a"), scandir($d, SCANDIR_SORT_DESCENDING));
var_dump(array_map('basename', glob("$d/*.txt")), glob("$d/*.none"));
var_dump(unlink('no_such_file_for_hippy.txt'));
var_dump(rmdir("$d/a/b/c"), rmdir("$d/a/b"), unlink("$d/a/stamp"), rmdir("$d/a"));
$tmp = tempnam($d, 'pre');
var_dump(strlen(basename($tmp)), str_starts_with(basename($tmp), 'pre'), file_exists($tmp));
$cwd = getcwd();
var_dump(chdir($d), getcwd() === realpath($d), file_exists('data.txt'));
var_dump(fopen('data.txt', 'x'), fopen('data.txt', 'q'), unlink('missing.txt'), rmdir('data.txt'));
var_dump(filesize('missing.txt'), mkdir('moved.txt'), chdir($cwd));

// Paths.
var_dump(basename('/usr/lib/file.tar.gz'), basename('/usr/lib/file.tar.gz', '.gz'), basename('dir/'));
var_dump(dirname('/usr/lib/file'), dirname('file'), dirname('/file'), dirname('/a/b/c/d', 2), dirname('/a/', 9));
var_dump(pathinfo('/srv/www/index.inc.php'), pathinfo('README'), pathinfo('x/y.z', PATHINFO_EXTENSION));

// Environment.
var_dump(putenv('HIPPY_GOLDEN_VAR=value'), getenv('HIPPY_GOLDEN_VAR'), putenv('HIPPY_GOLDEN_VAR'), getenv('HIPPY_GOLDEN_VAR'));

// Clean up.
foreach (scandir($d) as $entry) {
    if ($entry !== '.' && $entry !== '..') {
        unlink("$d/$entry");
    }
}
var_dump(rmdir($d), file_exists($d));
