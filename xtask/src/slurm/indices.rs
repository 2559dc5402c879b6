//! Index lists for Slurm job arrays: compact range notation and the split of plan indices into
//! arrays that respect the cluster's `MaxArraySize`.
//!
//! Slurm numbers array tasks `0 ..= MaxArraySize − 1` (default `MaxArraySize = 1001`). A plan
//! with more runs is split into several arrays: plan index `i` goes to the array with offset
//! `o = ⌊i / M⌋ · M` as task `i − o` (`M` = MaxArraySize), and the batch script recovers
//! `i = NGD_INDEX_OFFSET + SLURM_ARRAY_TASK_ID`.

/// Compact Slurm range notation of ascending, distinct indices: `[0,1,2,5,7,8]` → `0-2,5,7-8`.
pub fn ranges(indices: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let start = indices[i];
        let mut end = start;
        while i + 1 < indices.len() && indices[i + 1] == end + 1 {
            end += 1;
            i += 1;
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}-{end}")
        });
        i += 1;
    }
    parts.join(",")
}

/// One job array to submit: plan indices `offset + task` for every `task` in `tasks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayChunk {
    /// Added to `SLURM_ARRAY_TASK_ID` to get the plan index (`NGD_INDEX_OFFSET`).
    pub offset: usize,
    /// Array task ids (all `< max_array_size`), ascending.
    pub tasks: Vec<usize>,
}

impl ArrayChunk {
    /// The plan indices this array runs.
    pub fn plan_indices(&self) -> Vec<usize> {
        self.tasks.iter().map(|t| t + self.offset).collect()
    }
}

/// Splits ascending plan indices into arrays whose task ids stay below `max_array_size`.
pub fn chunks(indices: &[usize], max_array_size: usize) -> Vec<ArrayChunk> {
    let size = max_array_size.max(1);
    let mut out: Vec<ArrayChunk> = Vec::new();
    for &i in indices {
        let offset = i / size * size;
        match out.last_mut() {
            Some(chunk) if chunk.offset == offset => chunk.tasks.push(i - offset),
            _ => out.push(ArrayChunk {
                offset,
                tasks: vec![i - offset],
            }),
        }
    }
    out
}

/// The `--array` value: the task ranges, with `%K` when at most `K` tasks may run at once.
pub fn array_spec(tasks: &[usize], max_parallel: Option<u32>) -> String {
    match max_parallel {
        Some(k) => format!("{}%{k}", ranges(tasks)),
        None => ranges(tasks),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_compress_runs_of_consecutive_indices() {
        assert_eq!(ranges(&[]), "");
        assert_eq!(ranges(&[4]), "4");
        assert_eq!(ranges(&[0, 1, 2, 5, 7, 8]), "0-2,5,7-8");
        assert_eq!(ranges(&[3, 5, 7]), "3,5,7");
        assert_eq!(array_spec(&[0, 1, 2, 3], Some(2)), "0-3%2");
        assert_eq!(array_spec(&[9], None), "9");
    }

    #[test]
    fn chunks_respect_max_array_size_and_cover_every_index_once() {
        let all: Vec<usize> = (0..2500).collect();
        let c = chunks(&all, 1001);
        assert_eq!(c.len(), 3);
        assert_eq!((c[0].offset, c[0].tasks.len()), (0, 1001));
        assert_eq!((c[1].offset, c[1].tasks.len()), (1001, 1001));
        assert_eq!((c[2].offset, c[2].tasks.len()), (2002, 498));
        assert!(c.iter().all(|ch| ch.tasks.iter().all(|&t| t < 1001)));
        let back: Vec<usize> = c.iter().flat_map(ArrayChunk::plan_indices).collect();
        assert_eq!(back, all);
        // A resubmission of scattered indices keeps each in its own offset's array.
        let c = chunks(&[3, 1000, 1001, 2400], 1001);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].tasks, vec![3, 1000]);
        assert_eq!((c[1].offset, c[1].tasks.clone()), (1001, vec![0]));
        assert_eq!((c[2].offset, c[2].tasks.clone()), (2002, vec![398]));
    }
}
