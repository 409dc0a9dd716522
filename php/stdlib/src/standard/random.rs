//! Random numbers: PHP's Mersenne Twister (`mt_srand`/`srand`, `mt_rand`/`rand`, and the
//! random choices of `shuffle` and `array_rand`, which give PHP's sequences for a given seed),
//! `random_int` and `lcg_value` from the operating system's generator, and `uniqid`.

use super::callbacks::{array_ref, put_back};
use crate::args;
use php_runtime::{Builtin, Host, PhpArray, PhpError, Zval};
use std::cell::RefCell;
use std::io::Read;

/// The functions of this family.
pub const FUNCTIONS: &[(&str, Builtin)] = &[
    ("mt_srand", mt_srand),
    ("srand", srand),
    ("mt_rand", mt_rand),
    ("rand", rand),
    ("mt_getrandmax", mt_getrandmax),
    ("getrandmax", getrandmax),
    ("random_int", random_int),
    ("shuffle", shuffle),
    ("array_rand", array_rand),
    ("lcg_value", lcg_value),
    ("uniqid", uniqid),
];

/// The by-reference parameters of this family (0-based).
pub const BY_REF: &[(&str, &[usize])] = &[("shuffle", &[0])];

const N: usize = 624;
const M: usize = 397;

/// The state of PHP's Mersenne Twister (MT19937, or PHP's pre-7.1 variant with `MT_RAND_PHP`).
struct Twister {
    state: [u32; N],
    next: usize,
    seeded: bool,
    /// `MT_RAND_PHP`: the historical twist and range scaling.
    legacy: bool,
}

impl Twister {
    fn seed(&mut self, seed: u32) {
        self.state[0] = seed;
        for i in 1..N {
            let prev = self.state[i - 1];
            self.state[i] = 1_812_433_253u32
                .wrapping_mul(prev ^ (prev >> 30))
                .wrapping_add(i as u32);
        }
        self.reload();
        self.seeded = true;
    }

    fn twist(&self, m: u32, u: u32, v: u32) -> u32 {
        let mixed = (u & 0x8000_0000) | (v & 0x7fff_ffff);
        let low = if self.legacy { u } else { v } & 1;
        m ^ (mixed >> 1) ^ (low.wrapping_neg() & 0x9908_b0df)
    }

    fn reload(&mut self) {
        for i in 0..N {
            let m = self.state[(i + M) % N];
            let next = self.state[(i + 1) % N];
            self.state[i] = self.twist(m, self.state[i], next);
        }
        self.next = 0;
    }

    fn next_u32(&mut self) -> u32 {
        if !self.seeded {
            self.seed(os_random_u64().unwrap_or(0) as u32);
        }
        if self.next == N {
            self.reload();
        }
        let mut s = self.state[self.next];
        self.next += 1;
        s ^= s >> 11;
        s ^= (s << 7) & 0x9d2c_5680;
        s ^= (s << 15) & 0xefc6_0000;
        s ^ (s >> 18)
    }

    /// A uniform number in `0..=umax`, drawn as PHP does (rejecting the biased tail).
    fn below(&mut self, umax: u64) -> u64 {
        if umax > u64::from(u32::MAX) {
            // Two draws, the first as the low half.
            let mut draw = || {
                let low = u64::from(self.next_u32());
                low | (u64::from(self.next_u32()) << 32)
            };
            let mut r = draw();
            if umax == u64::MAX {
                return r;
            }
            let n = umax + 1;
            if n & (n - 1) == 0 {
                return r & (n - 1);
            }
            let limit = u64::MAX - (u64::MAX % n) - 1;
            while r > limit {
                r = draw();
            }
            return r % n;
        }
        let umax = umax as u32;
        let mut r = self.next_u32();
        if umax == u32::MAX {
            return u64::from(r);
        }
        let n = umax + 1;
        if n & (n - 1) == 0 {
            return u64::from(r & (n - 1));
        }
        let limit = u32::MAX - (u32::MAX % n) - 1;
        while r > limit {
            r = self.next_u32();
        }
        u64::from(r % n)
    }

    /// A uniform int in `min..=max` (`php_mt_rand_range`).
    fn range(&mut self, min: i64, max: i64) -> i64 {
        let umax = (max as u64).wrapping_sub(min as u64);
        (min as u64).wrapping_add(self.below(umax)) as i64
    }

    /// `mt_rand(min, max)`: [`range`](Self::range), or the historical scaling in legacy mode.
    fn common(&mut self, min: i64, max: i64) -> i64 {
        if !self.legacy {
            return self.range(min, max);
        }
        let n = i64::from(self.next_u32() >> 1) as f64;
        let span = max as f64 - min as f64 + 1.0;
        min.wrapping_add((span * (n / (2_147_483_647.0 + 1.0))) as i64)
    }
}

thread_local! {
    static TWISTER: RefCell<Twister> = const {
        RefCell::new(Twister { state: [0; N], next: N, seeded: false, legacy: false })
    };
}

fn with_twister<R>(f: impl FnOnce(&mut Twister) -> R) -> R {
    TWISTER.with(|t| f(&mut t.borrow_mut()))
}

/// Eight bytes from the operating system's random generator.
fn os_random_u64() -> Option<u64> {
    let mut b = [0u8; 8];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .ok()?;
    Some(u64::from_le_bytes(b))
}

fn seed_as(h: &mut dyn Host, a: &[Zval], func: &str) -> Result<Zval, PhpError> {
    args::arity(h, func, a, 0, 2)?;
    let seed = match a.first() {
        Some(s) => args::int(h, func, 1, "seed", s)?,
        None => os_random_u64().unwrap_or(0) as i64,
    };
    let mode = match a.get(1) {
        Some(m) => args::int(h, func, 2, "mode", m)?,
        None => 0,
    };
    with_twister(|t| {
        // MT_RAND_PHP is 1; anything else is MT_RAND_MT19937.
        t.legacy = mode == 1;
        t.seed(seed as u32);
    });
    Ok(Zval::NULL)
}

fn mt_srand(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    seed_as(h, a, "mt_srand")
}

fn srand(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    seed_as(h, a, "srand")
}

/// `mt_rand()`/`rand()`: no arguments, or a range (`rand` accepts it reversed).
fn draw_as(h: &mut dyn Host, a: &[Zval], func: &str) -> Result<Zval, PhpError> {
    if a.is_empty() {
        return Ok(Zval::int(i64::from(with_twister(|t| t.next_u32()) >> 1)));
    }
    args::arity(h, func, a, 2, 2)?;
    let min = args::int(h, func, 1, "min", &a[0])?;
    let max = args::int(h, func, 2, "max", &a[1])?;
    if max < min {
        if func == "rand" {
            return Ok(Zval::int(with_twister(|t| t.common(max, min))));
        }
        let msg = format!(
            "{func}(): Argument #2 ($max) must be greater than or equal to argument #1 ($min)"
        );
        return Err(h.throw("ValueError", msg));
    }
    Ok(Zval::int(with_twister(|t| t.common(min, max))))
}

fn mt_rand(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    draw_as(h, a, "mt_rand")
}

fn rand(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    draw_as(h, a, "rand")
}

fn getrandmax(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "getrandmax", a, 0, 0)?;
    Ok(Zval::int(2_147_483_647))
}

fn mt_getrandmax(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "mt_getrandmax", a, 0, 0)?;
    Ok(Zval::int(2_147_483_647))
}

fn random_int(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "random_int", a, 2, 2)?;
    let min = args::int(h, "random_int", 1, "min", &a[0])?;
    let max = args::int(h, "random_int", 2, "max", &a[1])?;
    if min > max {
        return Err(h.throw(
            "ValueError",
            "random_int(): Argument #1 ($min) must be less than or equal to argument #2 ($max)"
                .into(),
        ));
    }
    let umax = (max as u64).wrapping_sub(min as u64);
    let n = umax.wrapping_add(1);
    let draw = os_random_u64;
    let Some(mut r) = draw() else {
        return Err(h.throw(
            "Exception",
            "Could not gather sufficient random data".into(),
        ));
    };
    if n != 0 {
        // Rejects the tail that would make some results likelier.
        let limit = u64::MAX - (u64::MAX % n);
        while r >= limit {
            r = draw().unwrap_or(0);
        }
        r %= n;
    }
    Ok(Zval::int((min as u64).wrapping_add(r) as i64))
}

fn shuffle(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "shuffle", a, 1, 1)?;
    let arr = array_ref(h, "shuffle", 1, "array", &a[0])?;
    let mut values: Vec<Zval> = arr.iter().map(|(_, v)| v.clone()).collect();
    drop(arr);
    with_twister(|t| {
        for last in (1..values.len()).rev() {
            let j = t.range(0, last as i64) as usize;
            values.swap(last, j);
        }
    });
    put_back(&a[0], PhpArray::from_list(values));
    Ok(Zval::bool(true))
}

fn array_rand(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "array_rand", a, 1, 2)?;
    let arr = args::array(h, "array_rand", 1, "array", &a[0])?;
    let num = match a.get(1) {
        Some(n) => args::int(h, "array_rand", 2, "num", n)?,
        None => 1,
    };
    let avail = arr.len();
    if avail == 0 {
        return Err(h.throw(
            "ValueError",
            "array_rand(): Argument #1 ($array) cannot be empty".into(),
        ));
    }
    if num == 1 {
        // The slots in use, deleted ones included, as PHP counts its buckets.
        let mut used = 0;
        while let Some(p) = arr.live_from(used) {
            used = p + 1;
        }
        if avail < used - used / 2 {
            let i = with_twister(|t| t.range(0, avail as i64 - 1)) as usize;
            let (k, _) = arr.iter().nth(i).expect("an entry");
            return Ok(k.to_zval());
        }
        // Draws slots until one holds an entry.
        loop {
            let p = with_twister(|t| t.range(0, used as i64 - 1)) as usize;
            if arr.live_from(p) == Some(p) {
                return Ok(arr.at(p).0.to_zval());
            }
        }
    }
    if num <= 0 || num as u64 > avail as u64 {
        return Err(h.throw(
            "ValueError",
            "array_rand(): Argument #2 ($num) must be between 1 and the number of elements in argument #1 ($array)".into(),
        ));
    }
    // Picks the smaller of the chosen set and its complement.
    let mut want = num as usize;
    let negative = want > avail / 2;
    if negative {
        want = avail - want;
    }
    let mut chosen = vec![false; avail];
    with_twister(|t| {
        while want > 0 {
            let i = t.range(0, avail as i64 - 1) as usize;
            if !chosen[i] {
                chosen[i] = true;
                want -= 1;
            }
        }
    });
    let keys = arr
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c != negative)
        .map(|((k, _), _)| k.to_zval());
    Ok(Zval::array(PhpArray::from_list(keys)))
}

/// A float in `[0, 1)` from the operating system's generator.
fn os_random_unit() -> Option<f64> {
    os_random_u64().map(|r| (r >> 11) as f64 / (1u64 << 53) as f64)
}

fn lcg_value(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "lcg_value", a, 0, 0)?;
    match os_random_unit() {
        Some(x) => Ok(Zval::float(x)),
        None => Err(h.throw(
            "Exception",
            "Could not gather sufficient random data".into(),
        )),
    }
}

thread_local! {
    /// The time of the last `uniqid()` (seconds, microseconds): each id waits for a new one.
    static LAST_UNIQID: std::cell::Cell<(u64, u32)> = const { std::cell::Cell::new((0, 0)) };
}

/// `uniqid(string $prefix = "", bool $more_entropy = false)`: the prefix, the time as eight
/// hex digits of seconds and five of microseconds, and with `$more_entropy` a random number
/// below 10 with eight decimals.
fn uniqid(h: &mut dyn Host, a: &[Zval]) -> Result<Zval, PhpError> {
    args::arity(h, "uniqid", a, 0, 2)?;
    let prefix = match a.first() {
        Some(v) => args::string(h, "uniqid", 1, "prefix", v)?,
        None => php_runtime::PhpString::new(b""),
    };
    let more = match a.get(1) {
        Some(v) => args::boolean(h, "uniqid", 2, "more_entropy", v)?,
        None => false,
    };
    // Two ids must differ, so wait for the clock's microsecond to move on.
    let (sec, usec) = loop {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        let t = (now.as_secs(), now.subsec_micros());
        if t != LAST_UNIQID.with(|c| c.get()) {
            LAST_UNIQID.with(|c| c.set(t));
            break t;
        }
        std::hint::spin_loop();
    };
    let mut out = prefix.as_bytes().to_vec();
    out.extend_from_slice(format!("{:08x}{:05x}", sec as u32, usec % 0x10_0000).as_bytes());
    if more {
        let x = os_random_unit().unwrap_or(0.0) * 10.0;
        out.extend_from_slice(format!("{x:.8}").as_bytes());
    }
    Ok(Zval::string(php_runtime::PhpString::new(&out)))
}
