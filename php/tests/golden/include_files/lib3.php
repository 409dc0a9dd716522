<?php
$local++;
echo "in lib3: $local ", K::V, "\n";
