//! PHP's verdicts cached by content hash in `$TMPDIR/lint-conformance-php-cache.tsv`, so a
//! re-run only starts php for files it has not seen.

use crate::verdict::Verdict;
use std::collections::HashMap;
use std::path::PathBuf;

pub fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

fn cache_path() -> PathBuf {
    std::env::temp_dir().join("lint-conformance-php-cache.tsv")
}

pub fn load_cache() -> HashMap<u64, Verdict> {
    let text = std::fs::read_to_string(cache_path()).unwrap_or_default();
    let mut map = HashMap::new();
    for l in text.lines() {
        let f: Vec<&str> = l.splitn(4, '\t').collect();
        let [h, class, line, message] = f[..] else {
            continue;
        };
        let (Ok(h), Ok(line)) = (h.parse::<u64>(), line.parse::<u32>()) else {
            continue;
        };
        let message = message.to_string();
        if message == "unrecognised php output" {
            continue; // asked again: the output parser may have learnt the form
        }
        let v = match class {
            "ok" => Verdict::Ok,
            "parse" => Verdict::Parse { line, message },
            "fatal" => Verdict::Fatal { line, message },
            _ => continue,
        };
        map.insert(h, v);
    }
    map
}

pub fn save_cache(map: &HashMap<u64, Verdict>) {
    let mut text = String::new();
    for (h, v) in map {
        if *v != Verdict::Crash {
            text.push_str(&format!(
                "{h}\t{}\t{}\t{}\n",
                v.class(),
                v.line(),
                v.message().replace('\n', " ")
            ));
        }
    }
    let _ = std::fs::write(cache_path(), text);
}
