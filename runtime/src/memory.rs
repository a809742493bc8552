//! Large arrays in huge pages.
//!
//! A step reads the per-synapse arrays of a projection (weights,
//! pre-synaptic ranks) from one end to the other. With the usual 4 KiB
//! pages, an array of 32 MiB spans 8192 pages, more than the processor's
//! translation buffer holds, so the reads stall on page-table walks, and the
//! hardware prefetcher, which does not cross a page, starts over every 4 KiB.
//! On Linux, the arrays of at least [`HUGE_MIN_BYTES`] built here ask the
//! kernel for transparent huge pages (2 MiB) before their first write, which
//! is when the kernel chooses the size of the pages (`madvise`, honoured
//! unless `/sys/kernel/mm/transparent_hugepage/enabled` is `never`). Elsewhere,
//! or when the kernel declines, they are ordinary vectors: the advice
//! changes speed only, never values.

/// The size from which an array is placed in huge pages: two of them.
pub const HUGE_MIN_BYTES: usize = 4 << 20;

/// An empty vector with room for `len` values, in huge pages when it is
/// large enough (see the [module](self)): its pages are only chosen when
/// first written, so it must be filled after this call.
pub fn with_capacity<T: Copy>(len: usize) -> Vec<T> {
    let v: Vec<T> = Vec::with_capacity(len);
    let bytes = v.capacity() * std::mem::size_of::<T>();
    if bytes >= HUGE_MIN_BYTES {
        advise_huge(v.as_ptr().cast(), bytes);
    }
    v
}

/// `len` copies of `value` (as `vec![value; len]`), in huge pages when
/// large enough.
pub fn filled<T: Copy>(value: T, len: usize) -> Vec<T> {
    let mut v = with_capacity(len);
    v.resize(len, value);
    v
}

/// A copy of `values`, in huge pages when large enough.
pub fn copied<T: Copy>(values: &[T]) -> Vec<T> {
    let mut v = with_capacity(values.len());
    v.extend_from_slice(values);
    v
}

/// The `len` values of `values`, in huge pages when large enough (`len`
/// sizes the allocation; the vector holds what `values` yields).
pub fn collected<T: Copy>(len: usize, values: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut v = with_capacity(len);
    v.extend(values);
    v
}

/// Moves the values of `v` into a new array in huge pages when it is large
/// enough: for an array built by pushing, whose pages were chosen as it
/// grew.
pub fn rehouse<T: Copy>(v: &mut Vec<T>) {
    if std::mem::size_of_val(v.as_slice()) >= HUGE_MIN_BYTES {
        *v = copied(v);
    }
}

/// Asks for huge pages for the whole pages within `bytes` bytes from `ptr`.
#[cfg(target_os = "linux")]
fn advise_huge(ptr: *const u8, bytes: usize) {
    // SAFETY: `sysconf` only reads a setting of the system.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) })
        .ok()
        .filter(|&p| p > 0)
        .unwrap_or(4096);
    let start = (ptr as usize).next_multiple_of(page);
    let end = (ptr as usize + bytes) / page * page;
    if end > start {
        // SAFETY: the range lies within one allocation of this process;
        // the advice only changes how the kernel backs the pages, not
        // their contents or their validity. A refusal (a kernel without
        // transparent huge pages) leaves ordinary pages.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

/// Huge pages are only asked for on Linux.
#[cfg(not(target_os = "linux"))]
fn advise_huge(_ptr: *const u8, _bytes: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_and_small_arrays_hold_the_same_values_as_vectors() {
        for len in [0, 3, HUGE_MIN_BYTES / 8 + 5] {
            let values: Vec<f64> = (0..len).map(|i| i as f64 * 0.5).collect();
            assert_eq!(copied(&values), values);
            assert_eq!(filled(1.5f32, len), vec![1.5f32; len]);
            let c = collected(len, values.iter().map(|&x| x as f32));
            assert_eq!(c.len(), len);
            assert!(c.iter().zip(&values).all(|(&a, &b)| a == b as f32));
            let mut moved = values.clone();
            rehouse(&mut moved);
            assert_eq!(moved, values);
        }
    }

    /// Where the kernel gives huge pages to the arrays that ask (the
    /// setting `madvise` or `always`), a large array gets them, unless the
    /// kernel found no free huge page at that moment (it then counts a
    /// fallback).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_large_array_is_in_huge_pages_where_the_kernel_allows() {
        let setting = std::fs::read_to_string("/sys/kernel/mm/transparent_hugepage/enabled")
            .unwrap_or_default();
        if !(setting.contains("[madvise]") || setting.contains("[always]")) {
            return;
        }
        let fallbacks = || {
            let stat = std::fs::read_to_string("/proc/vmstat").expect("vmstat");
            stat.lines()
                .find_map(|l| l.strip_prefix("thp_fault_fallback "))
                .and_then(|v| v.trim().parse::<u64>().ok())
                .unwrap_or(0)
        };
        let before = fallbacks();
        let v = filled(1.0f64, (16 << 20) / 8);
        // The middle of the array: its first bytes share a page with the
        // allocator's header, which keeps that page apart.
        let huge = huge_kib_around(v.as_ptr() as usize + (8 << 20));
        // 16 MiB span at least six whole 2 MiB pages, wherever they start.
        assert!(
            huge >= 6 * 2048 || fallbacks() > before,
            "{huge} kB of huge pages"
        );
    }

    /// The kB of huge pages of the mapping of this process that holds
    /// `address` (`/proc/self/smaps`).
    #[cfg(target_os = "linux")]
    fn huge_kib_around(address: usize) -> usize {
        let smaps = std::fs::read_to_string("/proc/self/smaps").expect("smaps");
        let mut inside = false;
        for line in smaps.lines() {
            // A mapping's first line: `start-end perms ...`, in hexadecimal.
            let range = line
                .split_whitespace()
                .next()
                .and_then(|r| r.split_once('-'))
                .and_then(|(a, b)| {
                    Some(usize::from_str_radix(a, 16).ok()?..usize::from_str_radix(b, 16).ok()?)
                });
            if let Some(range) = range {
                inside = range.contains(&address);
            } else if let Some(kb) = line.strip_prefix("AnonHugePages:").filter(|_| inside) {
                return kb.trim().trim_end_matches("kB").trim().parse().expect("kB");
            }
        }
        0
    }
}
