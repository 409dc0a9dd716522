<?php
interface I1 { const C = 1; }
interface I2 { const C = 2; }
class Own implements I1 { const C = 3; }
echo Own::C, "\n";
class Both implements I1, I2 {}
