<?php
// printf and sprintf: flags, widths, precisions, argument numbers.
printf("%d|%5d|%-5d|%05d|%+d|%x|%X|%o|%b|%c|%u|%%|%s|%10s|%-10s|%'*10s|%.2s\n", 42, 42, 42, 42, 42, 255, 255, 8, 5, 65, -1, "str", "right", "left", "pad", "trunc");
printf("%f|%.2f|%10.3f|%-10.1f|%e|%.2e|%E|%F\n", 3.14159, 3.14159, 3.14159, 3.14159, 12345.678, 0.000123, 12345.678, 1.5);
echo sprintf('%2$s %1$s', "world", "hello"), "\n";
echo sprintf("%s %s", 1.0, true), "|", sprintf("%d", "12abc"), "|", sprintf("%.1f", 0.05), "|", sprintf("%5.1f%%", 45.25), "\n";
echo sprintf("%d", 3.99), sprintf("[%'.10d]", 42), sprintf("[%-'x10d]", 42), "\n";
