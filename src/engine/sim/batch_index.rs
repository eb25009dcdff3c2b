//! Who each scheduled batch campaign's smart list holds for, kept up to date as people
//! change, so that a batch run costs what it finds rather than the size of the database.
//!
//! A smart list's filters read only the person's own state (fields, list memberships,
//! program statuses, campaign memberships) and whether the person exists, never the time.
//! So the answer for a person changes only when that person changes: the simulator marks a
//! person here at every such change, and a batch run first re-evaluates the marked people
//! (for every scheduled campaign at once) and then takes the members in person order, as
//! a scan of everyone would. A campaign that runs every minute for 100,000 people of whom
//! nobody matches then costs next to nothing per run instead of 100,000 evaluations.
//!
//! The index is derived from the people: it is left out of the state's equality and
//! hashing (and of the explorer's state key), and it never changes what a run does.

use super::super::model::{CampaignId, Model, PersonId};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

/// Below this many people a batch run's scan is cheap, and the run's state stays small
/// for the explorer (which copies it at every decision).
pub const INDEX_FROM_PEOPLE: usize = 512;

#[derive(Debug, Clone, Default)]
pub struct BatchIndex {
    /// Per campaign with a schedule: the existing people its smart list holds for, as of
    /// the last re-evaluation (`None` for other campaigns).
    members: Vec<Option<BTreeSet<PersonId>>>,
    /// People changed since the last re-evaluation, and a flag per person.
    changed: Vec<PersonId>,
    is_changed: Vec<bool>,
}

impl BatchIndex {
    /// Every person starts out changed (the first batch run evaluates everyone once).
    /// Without a scheduled campaign, or with fewer than [`INDEX_FROM_PEOPLE`] people, the
    /// index is empty (batch runs scan everyone) and marking costs nothing.
    pub fn new(model: &Model) -> Self {
        let people = model.people.len();
        if people < INDEX_FROM_PEOPLE {
            return BatchIndex::default();
        }
        let members: Vec<Option<BTreeSet<PersonId>>> = model
            .campaigns
            .iter()
            .map(|c| c.schedule.map(|_| BTreeSet::new()))
            .collect();
        if members.iter().all(Option::is_none) {
            return BatchIndex::default();
        }
        BatchIndex {
            members,
            changed: (0..people as PersonId).collect(),
            is_changed: vec![true; people],
        }
    }

    /// Person `p` changed (a field, a list, a status, a campaign membership, or came to
    /// exist): their smart-list answers must be evaluated again.
    pub fn touch(&mut self, p: PersonId) {
        if let Some(flag) = self.is_changed.get_mut(p as usize) {
            if !*flag {
                *flag = true;
                self.changed.push(p);
            }
        }
    }

    /// Whether campaign `c` is indexed (it has a schedule).
    pub fn covers(&self, c: CampaignId) -> bool {
        self.members.get(c as usize).is_some_and(Option::is_some)
    }

    /// Re-evaluates the changed people with `holds(campaign, person)` (whether the person
    /// exists and the campaign's smart list holds for them), then returns campaign `c`'s
    /// members in person order. `c` must be covered.
    pub fn members(
        &mut self,
        c: CampaignId,
        mut holds: impl FnMut(CampaignId, PersonId) -> bool,
    ) -> Vec<PersonId> {
        for p in std::mem::take(&mut self.changed) {
            self.is_changed[p as usize] = false;
            for (campaign, set) in self.members.iter_mut().enumerate() {
                if let Some(set) = set {
                    if holds(campaign as CampaignId, p) {
                        set.insert(p);
                    } else {
                        set.remove(&p);
                    }
                }
            }
        }
        self.members[c as usize]
            .as_ref()
            .map_or_else(Vec::new, |set| set.iter().copied().collect())
    }
}

/// Derived from the people, so any two states with the same people have the same index.
impl PartialEq for BatchIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for BatchIndex {}

impl Hash for BatchIndex {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}
