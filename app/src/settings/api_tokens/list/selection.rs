//! Which rows of the page are selected for a bulk revoke. Plain data, so the click rules
//! are easy to follow: a click (plain or ctrl/cmd) sets one row to its checkbox's new
//! state; a shift-click sets every row from the last clicked one to this one alike.

use std::collections::BTreeSet;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub ids: BTreeSet<i64>,
    /// The row index of the last click, where a shift-click range starts.
    anchor: Option<usize>,
}

impl Selection {
    /// A click on row `index` of `rows` (ids in display order) that left its checkbox
    /// `checked`.
    pub fn click(&mut self, rows: &[i64], index: usize, checked: bool, shift: bool) {
        let range = match self.anchor {
            Some(anchor) if shift && anchor < rows.len() => anchor.min(index)..=anchor.max(index),
            _ => index..=index,
        };
        for id in rows.get(range).unwrap_or_default() {
            if checked {
                self.ids.insert(*id);
            } else {
                self.ids.remove(id);
            }
        }
        self.anchor = Some(index);
    }

    /// "Select all on this page" on or off.
    pub fn set_all(&mut self, rows: &[i64], checked: bool) {
        self.ids = if checked {
            rows.iter().copied().collect()
        } else {
            BTreeSet::new()
        };
        self.anchor = None;
    }

    pub fn contains(&self, id: i64) -> bool {
        self.ids.contains(&id)
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROWS: [i64; 5] = [10, 11, 12, 13, 14];

    #[test]
    fn shift_click_selects_the_range_from_the_last_click() {
        let mut selection = Selection::default();
        selection.click(&ROWS, 3, true, false);
        selection.click(&ROWS, 1, true, true);
        assert_eq!(selection.ids, BTreeSet::from([11, 12, 13]));
        selection.click(&ROWS, 2, false, false);
        assert_eq!(selection.ids, BTreeSet::from([11, 13]));
        selection.click(&ROWS, 4, false, true);
        assert_eq!(selection.ids, BTreeSet::from([11]));
    }

    #[test]
    fn select_all_selects_the_page_and_clears_it() {
        let mut selection = Selection::default();
        selection.set_all(&ROWS, true);
        assert_eq!(selection.len(), 5);
        selection.set_all(&ROWS, false);
        assert_eq!(selection.len(), 0);
    }
}
