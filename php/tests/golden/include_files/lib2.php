<?php
class K { const V = 3; }
return "two";
