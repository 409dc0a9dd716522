//! Resources: PHP's handles on things outside the language (streams).
//!
//! A [`PhpResource`] is a counted handle on a [`ResObj`]: the resource's number (`#5` in
//! `var_dump`; numbers are never reused within a run, as Zend's resource list never reuses
//! them), its type name (`stream`), and a payload the library that made it owns (a `dyn Any`
//! it downcasts back). Closing a resource (`fclose`) drops the payload and turns the type into
//! `Unknown`, which is how PHP shows a closed resource; the handle itself lives as long as
//! values refer to it. The last owner going drops the payload (closing the stream).

use crate::value::{Header, Kind, free_block};
use std::any::Any;
use std::cell::{Cell, RefCell, RefMut};
use std::fmt;
use std::ptr::NonNull;

thread_local! {
    /// The number the next resource gets.
    static NEXT_ID: Cell<i64> = const { Cell::new(1) };
}

/// Takes the next resource number (for something PHP numbers without making a value of it,
/// such as a stream's default context).
pub fn reserve_id() -> i64 {
    NEXT_ID.with(|n| n.replace(n.get() + 1))
}

/// Starts numbering resources from 1 again (the start of a program).
pub fn reset_ids() {
    NEXT_ID.with(|n| n.set(1));
}

/// The heap block of a resource.
#[repr(C)]
pub struct ResObj {
    /// Reference count and kind.
    pub header: Header,
    /// The resource number.
    id: i64,
    /// The type name (`Unknown` once closed).
    kind: Cell<&'static str>,
    /// What the library keeps (`None` once closed).
    payload: RefCell<Option<Box<dyn Any>>>,
}

/// An owned, shared handle on a resource.
#[repr(transparent)]
pub struct PhpResource {
    ptr: NonNull<ResObj>,
}

impl PhpResource {
    /// A new resource of type `kind` holding `payload`, with the next number.
    pub fn new(kind: &'static str, payload: Box<dyn Any>) -> PhpResource {
        let b = Box::new(ResObj {
            header: Header::new(Kind::Resource),
            id: reserve_id(),
            kind: Cell::new(kind),
            payload: RefCell::new(Some(payload)),
        });
        PhpResource {
            ptr: NonNull::from(Box::leak(b)),
        }
    }

    fn obj(&self) -> &ResObj {
        // SAFETY: the block lives while this handle does.
        unsafe { self.ptr.as_ref() }
    }

    /// The resource number.
    pub fn id(&self) -> i64 {
        self.obj().id
    }

    /// The type name (`Unknown` once closed).
    pub fn type_name(&self) -> &'static str {
        self.obj().kind.get()
    }

    /// Whether the resource was closed.
    pub fn is_closed(&self) -> bool {
        self.obj().payload.borrow().is_none()
    }

    /// The payload, if it is a `T` and the resource is open (borrowed mutably: `None` too
    /// while another borrow is alive).
    pub fn payload<T: 'static>(&self) -> Option<RefMut<'_, T>> {
        let p = self.obj().payload.try_borrow_mut().ok()?;
        RefMut::filter_map(p, |p| p.as_mut()?.downcast_mut::<T>()).ok()
    }

    /// Closes the resource: its type becomes `Unknown` and the payload is handed back (for
    /// the caller to finish and drop). `None` if it was already closed.
    pub fn close(&self) -> Option<Box<dyn Any>> {
        let p = self.obj().payload.try_borrow_mut().ok()?.take()?;
        self.obj().kind.set("Unknown");
        Some(p)
    }

    /// The number of owners.
    pub fn refcount(&self) -> u32 {
        self.obj().header.refcount.get()
    }

    /// Whether two handles are the same resource.
    pub fn ptr_eq(a: &PhpResource, b: &PhpResource) -> bool {
        a.ptr == b.ptr
    }

    /// Gives up this handle as a raw pointer (for a [`Value`](crate::Value)).
    pub fn into_raw(self) -> *const ResObj {
        let p = self.ptr.as_ptr();
        std::mem::forget(self);
        p
    }

    /// Takes back a handle given up by [`into_raw`](Self::into_raw).
    ///
    /// # Safety
    /// `p` came from `into_raw` and is taken back once.
    pub unsafe fn from_raw(p: *const ResObj) -> PhpResource {
        PhpResource {
            // SAFETY: `into_raw` never returns null.
            ptr: unsafe { NonNull::new_unchecked(p as *mut ResObj) },
        }
    }

    /// Borrows the resource a payload refers to, without taking a reference.
    ///
    /// # Safety
    /// The slot holds a pointer from `into_raw` whose share is alive while it is borrowed.
    pub unsafe fn borrow_raw(slot: &u64) -> &PhpResource {
        // SAFETY: `PhpResource` is a transparent non-null pointer the size of a `u64`.
        unsafe { &*(slot as *const u64 as *const PhpResource) }
    }

    /// Frees a block whose count reached zero.
    ///
    /// # Safety
    /// `h` is the header of a `ResObj` made by `new` with no owners left.
    unsafe fn free(h: NonNull<Header>) {
        // SAFETY: the caller's contract; the box is rebuilt exactly once.
        drop(unsafe { Box::from_raw(h.as_ptr() as *mut ResObj) });
    }
}

impl Clone for PhpResource {
    fn clone(&self) -> PhpResource {
        self.obj().header.inc();
        PhpResource { ptr: self.ptr }
    }
}

impl Drop for PhpResource {
    fn drop(&mut self) {
        if self.obj().header.dec() == 0 {
            // SAFETY: the last owner is gone; `free` is this kind's.
            unsafe { free_block(self.ptr.cast(), PhpResource::free) };
        }
    }
}

impl fmt::Debug for PhpResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "resource({}) of type ({})", self.id(), self.type_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{View, Zval};

    #[test]
    fn numbers_payloads_and_closing() {
        let r = PhpResource::new("stream", Box::new(7u32));
        let s = PhpResource::new("stream", Box::new(String::from("x")));
        assert_eq!(s.id(), r.id() + 1);
        assert_eq!(*r.payload::<u32>().unwrap(), 7);
        assert!(r.payload::<String>().is_none());
        let z = Zval::resource(r.clone());
        assert_eq!(r.refcount(), 2);
        let z2 = z.clone();
        match z2.view() {
            View::Resource(x) => assert!(PhpResource::ptr_eq(x, &r)),
            _ => panic!("not a resource"),
        }
        assert!(r.close().is_some());
        assert!(r.close().is_none());
        assert_eq!(r.type_name(), "Unknown");
        assert!(r.is_closed());
        drop((z, z2));
        assert_eq!(r.refcount(), 1);
    }
}
