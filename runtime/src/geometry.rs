//! Geometry of a population: its shape, and the mapping between ranks and
//! coordinates.
//!
//! As in ANNarchy, neurons are stored flat, by rank, and the geometry only
//! says how ranks are laid out in space. The layout is row-major (C order, the
//! order of numpy's `ravel_multi_index`): the last coordinate varies fastest.
//! In a 2-D geometry `(d0, d1)`, the neuron at coordinates `(x, y)` has rank
//! `y + d1 * x`; in a 3-D geometry `(d0, d1, d2)`, the neuron at `(x, y, z)` has
//! rank `z + d2 * y + d1 * d2 * x`.

use std::fmt;

use crate::error::{Error, Result};

/// The most dimensions a geometry can have.
pub const MAX_DIMS: usize = 4;

/// The shape of a population: 1 to 4 dimensions, each of size 1 or more.
///
/// `Geometry` is small and `Copy`. Build one with [`Geometry::new`] or one of
/// the `TryFrom` conversions, which all reject zero-sized dimensions:
///
/// ```
/// # use annarchy_runtime::geometry::Geometry;
/// let g = Geometry::try_from((3, 4)).unwrap();
/// assert_eq!(g.size(), 12);
/// assert_eq!(g.rank_from_coordinates(&[1, 2]).unwrap(), 6);
/// assert_eq!(g.coordinates_from_rank(6).unwrap(), vec![1, 2]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Geometry {
    /// The sizes of the dimensions; unused trailing entries are 1.
    dims: [usize; MAX_DIMS],
    /// The number of dimensions actually used (1 to [`MAX_DIMS`]).
    ndim: usize,
}

impl Geometry {
    /// A geometry with the given dimension sizes.
    ///
    /// # Errors
    ///
    /// [`Error::Geometry`] when `dims` is empty, has more than [`MAX_DIMS`]
    /// entries, contains a zero, or when the total size overflows `usize`.
    pub fn new(dims: &[usize]) -> Result<Self> {
        let invalid = |reason: &str| Error::Geometry {
            dims: dims.to_vec(),
            reason: reason.to_string(),
        };
        if dims.is_empty() {
            return Err(invalid("a geometry needs at least one dimension"));
        }
        if dims.len() > MAX_DIMS {
            return Err(invalid("a geometry has at most 4 dimensions"));
        }
        if dims.contains(&0) {
            return Err(invalid("every dimension must have a size of at least 1"));
        }
        if dims
            .iter()
            .try_fold(1usize, |acc, &d| acc.checked_mul(d))
            .is_none()
        {
            return Err(invalid("the number of neurons overflows"));
        }
        let mut all = [1; MAX_DIMS];
        all[..dims.len()].copy_from_slice(dims);
        Ok(Self {
            dims: all,
            ndim: dims.len(),
        })
    }

    /// The number of neurons: the product of the dimension sizes.
    pub fn size(&self) -> usize {
        self.dims().iter().product()
    }

    /// The number of dimensions (ANNarchy's `dimension`), from 1 to 4.
    pub fn ndim(&self) -> usize {
        self.ndim
    }

    /// The sizes of the dimensions, `ndim()` of them.
    pub fn dims(&self) -> &[usize] {
        &self.dims[..self.ndim]
    }

    /// The size of the first dimension.
    pub fn width(&self) -> usize {
        self.dims[0]
    }

    /// The size of the second dimension, 1 for a 1-D geometry.
    pub fn height(&self) -> usize {
        self.dims[1]
    }

    /// The size of the third dimension, 1 for a 1-D or 2-D geometry.
    pub fn depth(&self) -> usize {
        self.dims[2]
    }

    /// The rank of the neuron at `coords` (row-major, as numpy's
    /// `ravel_multi_index`).
    ///
    /// # Errors
    ///
    /// [`Error::Invalid`] when `coords` does not have `ndim()` entries,
    /// [`Error::OutOfRange`] when a coordinate is not smaller than its
    /// dimension.
    pub fn rank_from_coordinates(&self, coords: &[usize]) -> Result<usize> {
        if coords.len() != self.ndim {
            return Err(Error::Invalid {
                object: format!("geometry {self}"),
                reason: format!(
                    "expected {} coordinates, got {} ({coords:?})",
                    self.ndim,
                    coords.len()
                ),
            });
        }
        let mut rank = 0;
        for (&c, &d) in coords.iter().zip(self.dims()) {
            if c >= d {
                return Err(Error::OutOfRange {
                    object: format!("geometry {self}"),
                    what: format!("coordinates {coords:?}"),
                });
            }
            rank = rank * d + c;
        }
        Ok(rank)
    }

    /// The coordinates of the neuron of rank `rank`, `ndim()` of them
    /// (row-major, as numpy's `unravel_index`).
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when `rank >= size()`.
    pub fn coordinates_from_rank(&self, rank: usize) -> Result<Vec<usize>> {
        self.check_rank(rank)?;
        let mut coords = vec![0; self.ndim];
        let mut rest = rank;
        for (c, &d) in coords.iter_mut().zip(self.dims()).rev() {
            *c = rest % d;
            rest /= d;
        }
        Ok(coords)
    }

    /// The coordinates of the neuron of rank `rank`, each divided by its
    /// dimension size minus one (0 for a dimension of size 1), then
    /// multiplied by `norm`. With `norm = 1`, the coordinates lie in `[0, 1]`.
    ///
    /// # Errors
    ///
    /// [`Error::OutOfRange`] when `rank >= size()`.
    pub fn normalized_coordinates_from_rank(&self, rank: usize, norm: f64) -> Result<Vec<f64>> {
        let coords = self.coordinates_from_rank(rank)?;
        Ok(coords
            .iter()
            .zip(self.dims())
            .map(|(&c, &d)| {
                if d > 1 {
                    c as f64 / (d - 1) as f64 * norm
                } else {
                    0.0
                }
            })
            .collect())
    }

    fn check_rank(&self, rank: usize) -> Result<()> {
        if rank >= self.size() {
            return Err(Error::OutOfRange {
                object: format!("geometry {self}"),
                what: format!("rank {rank} (size {})", self.size()),
            });
        }
        Ok(())
    }
}

/// Formats as ANNarchy prints geometries: `10` in 1-D, `(3, 4)` otherwise.
impl fmt::Display for Geometry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ndim == 1 {
            return write!(f, "{}", self.dims[0]);
        }
        write!(f, "(")?;
        for (i, d) in self.dims().iter().enumerate() {
            if i > 0 {
                write!(f, ", ")?;
            }
            write!(f, "{d}")?;
        }
        write!(f, ")")
    }
}

/// A 1-D geometry of `n` neurons; `n = 0` is an [`Error::Geometry`].
impl TryFrom<usize> for Geometry {
    type Error = Error;
    fn try_from(n: usize) -> Result<Self> {
        Self::new(&[n])
    }
}

/// A 2-D geometry; a zero dimension is an [`Error::Geometry`].
impl TryFrom<(usize, usize)> for Geometry {
    type Error = Error;
    fn try_from((a, b): (usize, usize)) -> Result<Self> {
        Self::new(&[a, b])
    }
}

/// A 3-D geometry; a zero dimension is an [`Error::Geometry`].
impl TryFrom<(usize, usize, usize)> for Geometry {
    type Error = Error;
    fn try_from((a, b, c): (usize, usize, usize)) -> Result<Self> {
        Self::new(&[a, b, c])
    }
}

/// A 4-D geometry; a zero dimension is an [`Error::Geometry`].
impl TryFrom<(usize, usize, usize, usize)> for Geometry {
    type Error = Error;
    fn try_from((a, b, c, d): (usize, usize, usize, usize)) -> Result<Self> {
        Self::new(&[a, b, c, d])
    }
}

/// Same as [`Geometry::new`].
impl TryFrom<&[usize]> for Geometry {
    type Error = Error;
    fn try_from(dims: &[usize]) -> Result<Self> {
        Self::new(dims)
    }
}

/// Same as [`Geometry::new`].
impl<const N: usize> TryFrom<[usize; N]> for Geometry {
    type Error = Error;
    fn try_from(dims: [usize; N]) -> Result<Self> {
        Self::new(&dims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_named_dimensions() {
        let g = Geometry::try_from(10).unwrap();
        assert_eq!((g.size(), g.ndim(), g.dims()), (10, 1, &[10][..]));
        assert_eq!((g.width(), g.height(), g.depth()), (10, 1, 1));

        let g = Geometry::try_from((3, 4)).unwrap();
        assert_eq!((g.size(), g.ndim(), g.dims()), (12, 2, &[3, 4][..]));
        assert_eq!((g.width(), g.height(), g.depth()), (3, 4, 1));

        let g = Geometry::try_from((2, 3, 4)).unwrap();
        assert_eq!((g.size(), g.width(), g.height(), g.depth()), (24, 2, 3, 4));

        let g = Geometry::try_from((2, 3, 4, 5)).unwrap();
        assert_eq!((g.size(), g.ndim()), (120, 4));
        assert_eq!(
            Geometry::try_from([2, 3]).unwrap(),
            Geometry::new(&[2, 3]).unwrap()
        );
    }

    #[test]
    fn invalid_geometries_are_errors() {
        for dims in [&[][..], &[0], &[3, 0], &[1, 2, 3, 4, 5], &[usize::MAX, 2]] {
            let err = Geometry::new(dims).unwrap_err();
            assert!(matches!(err, Error::Geometry { .. }), "{dims:?}: {err:?}");
        }
        assert!(Geometry::try_from(0).is_err());
        assert!(Geometry::try_from((0, 1, 1)).is_err());
    }

    #[test]
    fn row_major_ranks_match_annarchy() {
        // 2-D: rank = y + h * x for coordinates (x, y).
        let g = Geometry::try_from((3, 4)).unwrap();
        assert_eq!(g.rank_from_coordinates(&[2, 1]).unwrap(), 1 + 4 * 2);
        assert_eq!(g.coordinates_from_rank(9).unwrap(), vec![2, 1]);
        // 3-D: rank = z + d * y + x * h * d.
        let g = Geometry::try_from((2, 3, 4)).unwrap();
        assert_eq!(g.rank_from_coordinates(&[1, 2, 3]).unwrap(), 3 + 4 * 2 + 12);
        assert_eq!(g.coordinates_from_rank(23).unwrap(), vec![1, 2, 3]);
        // Round trip over every rank of a 4-D geometry.
        let g = Geometry::try_from((2, 3, 1, 4)).unwrap();
        for rank in 0..g.size() {
            let c = g.coordinates_from_rank(rank).unwrap();
            assert_eq!(g.rank_from_coordinates(&c).unwrap(), rank);
        }
        // 1-D: the coordinate is the rank.
        let g = Geometry::try_from(5).unwrap();
        assert_eq!(g.coordinates_from_rank(3).unwrap(), vec![3]);
    }

    #[test]
    fn out_of_range_ranks_and_coordinates_are_errors() {
        let g = Geometry::try_from((3, 4)).unwrap();
        assert!(matches!(
            g.coordinates_from_rank(12),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            g.rank_from_coordinates(&[3, 0]),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            g.rank_from_coordinates(&[0, 4]),
            Err(Error::OutOfRange { .. })
        ));
        assert!(matches!(
            g.rank_from_coordinates(&[1]),
            Err(Error::Invalid { .. })
        ));
        assert!(g.normalized_coordinates_from_rank(12, 1.0).is_err());
    }

    #[test]
    fn normalized_coordinates() {
        let g = Geometry::try_from((3, 5)).unwrap();
        assert_eq!(
            g.normalized_coordinates_from_rank(7, 1.0).unwrap(),
            vec![0.5, 0.5]
        );
        assert_eq!(
            g.normalized_coordinates_from_rank(14, 2.0).unwrap(),
            vec![2.0, 2.0]
        );
        let g = Geometry::try_from((1, 5)).unwrap();
        assert_eq!(
            g.normalized_coordinates_from_rank(1, 1.0).unwrap(),
            vec![0.0, 0.25]
        );
        let g = Geometry::try_from(1).unwrap();
        assert_eq!(
            g.normalized_coordinates_from_rank(0, 1.0).unwrap(),
            vec![0.0]
        );
    }

    #[test]
    fn display() {
        assert_eq!(Geometry::try_from(7).unwrap().to_string(), "7");
        assert_eq!(
            Geometry::try_from((2, 3, 4)).unwrap().to_string(),
            "(2, 3, 4)"
        );
    }
}
