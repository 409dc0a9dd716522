<?php
// Method calls with array work: objects held in arrays, virtual and interface method calls,
// property updates, sorting with usort and a comparator, and summing, each printing a
// deterministic result.

interface Shape
{
    public function area(): float;
    public function scale(float $f): void;
}

final class Rect implements Shape
{
    public function __construct(private float $w, private float $h)
    {
    }

    public function area(): float
    {
        return $this->w * $this->h;
    }

    public function scale(float $f): void
    {
        $this->w *= $f;
        $this->h *= $f;
    }
}

final class Circle implements Shape
{
    public function __construct(private float $r)
    {
    }

    public function area(): float
    {
        return 3.0 * $this->r * $this->r;
    }

    public function scale(float $f): void
    {
        $this->r *= $f;
    }
}

class Vec
{
    public int $x;
    public int $y;

    public function __construct(int $x, int $y)
    {
        $this->x = $x;
        $this->y = $y;
    }

    public function add(Vec $o): Vec
    {
        return new Vec($this->x + $o->x, $this->y + $o->y);
    }

    public function dot(Vec $o): int
    {
        return $this->x * $o->x + $this->y * $o->y;
    }

    public function norm1(): int
    {
        return abs($this->x) + abs($this->y);
    }
}

class Account
{
    private array $history = [];

    public function __construct(public string $name, private int $balance)
    {
    }

    public function deposit(int $amount): void
    {
        $this->balance += $amount;
        $this->history[] = $amount;
    }

    public function balance(): int
    {
        return $this->balance;
    }

    public function largest(): int
    {
        return $this->history ? max($this->history) : 0;
    }
}

function shapes(int $n, int $rounds): float
{
    $shapes = [];
    for ($i = 0; $i < $n; $i++) {
        $shapes[] = $i % 3 == 0 ? new Circle(($i % 17) + 1.0) : new Rect(($i % 13) + 1.0, ($i % 7) + 0.5);
    }
    $total = 0.0;
    for ($r = 0; $r < $rounds; $r++) {
        foreach ($shapes as $s) {
            $s->scale($r % 2 == 0 ? 2.0 : 0.5);
            $total += $s->area();
        }
    }
    return $total;
}

function vectors(int $n): int
{
    $vs = [];
    $seed = 7;
    for ($i = 0; $i < $n; $i++) {
        $seed = ($seed * 75 + 74) % 65537;
        $vs[] = new Vec($seed % 201 - 100, intdiv($seed, 201) % 201 - 100);
    }
    usort($vs, function (Vec $a, Vec $b): int {
        return $a->norm1() <=> $b->norm1() ?: $a->x <=> $b->x ?: $a->y <=> $b->y;
    });
    $acc = new Vec(0, 0);
    $dots = 0;
    $prev = $vs[0];
    foreach ($vs as $v) {
        $acc = $acc->add($v);
        $dots += $prev->dot($v);
        $prev = $v;
    }
    return $acc->x * 1000003 + $acc->y * 1009 + $dots + $vs[0]->norm1() + $vs[$n - 1]->norm1();
}

function accounts(int $n, int $ops): string
{
    $accounts = [];
    for ($i = 0; $i < $n; $i++) {
        $accounts["acct$i"] = new Account("acct$i", $i * 10);
    }
    $seed = 1;
    for ($k = 0; $k < $ops; $k++) {
        $seed = ($seed * 1103515245 + 12345) % 2147483648;
        $accounts["acct" . ($seed % $n)]->deposit(($seed >> 8) % 1000);
    }
    $list = array_values($accounts);
    usort($list, fn(Account $a, Account $b): int => $b->balance() <=> $a->balance() ?: strcmp($a->name, $b->name));
    $sum = 0;
    $largest = 0;
    foreach ($list as $a) {
        $sum += $a->balance();
        $largest = max($largest, $a->largest());
    }
    return $list[0]->name . " " . $list[0]->balance() . " " . $sum . " " . $largest;
}

function matrix_sum(int $n): int
{
    $m = [];
    for ($i = 0; $i < $n; $i++) {
        $row = [];
        for ($j = 0; $j < $n; $j++) {
            $row[] = ($i * $j) % 7;
        }
        $m[] = $row;
    }
    $sum = 0;
    foreach ($m as $i => $row) {
        $sum += array_sum($row) * ($i % 3);
        sort($row);
        $sum += $row[$n - 1];
    }
    return $sum;
}

printf("shapes %.3f\n", shapes(3000, 300));
echo "vectors ", vectors(100000), "\n";
echo "accounts ", accounts(2000, 300000), "\n";
echo "matrix ", matrix_sum(500), "\n";
