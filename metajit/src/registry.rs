//! Numbers for twin functions: resume data names the function of each frame by a small number,
//! which the driver gives each `TwinInfo` the first time a trace refers to it.

use crate::twin::TwinInfo;
use std::cell::RefCell;
use std::collections::HashMap;

/// The numbered twin functions of one JIT instance.
#[derive(Default)]
pub(crate) struct Registry {
    inner: RefCell<(Vec<&'static TwinInfo>, HashMap<usize, u32>)>,
}

impl Registry {
    /// The number of `info` (given on first use).
    pub(crate) fn id_of(&self, info: &'static TwinInfo) -> u32 {
        let mut reg = self.inner.borrow_mut();
        let addr = info as *const TwinInfo as usize;
        if let Some(&id) = reg.1.get(&addr) {
            return id;
        }
        let id = reg.0.len() as u32;
        reg.0.push(info);
        reg.1.insert(addr, id);
        id
    }

    /// The twin function numbered `id`.
    pub(crate) fn info(&self, id: u32) -> &'static TwinInfo {
        self.inner.borrow().0[id as usize]
    }
}
