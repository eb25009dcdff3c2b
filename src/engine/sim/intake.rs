//! Person creation by email (the scenario's `person_creation`): a form fill or a REST API
//! call for an email address looks the address up; if no record has it, the new person is
//! inserted a gap later. The lookup and the insert are not one atomic step, so a second
//! submission for the same address inside the gap finds nothing either and inserts a second
//! record (the duplicate lands in the person's spare record). API clients that use
//! `update_only` never insert: a person not found is skipped and tried again later.

use super::super::chooser::Chooser;
use super::super::model::*;
use super::super::trace::{Actor, EventId, EventKind};
use super::super::value::Sym;
use super::activity::Activity;
use super::state::*;
use super::Sim;

impl Sim<'_> {
    /// A form fill: creates the person first if they do not exist yet.
    pub(super) fn fill_form(
        &mut self,
        p: PersonId,
        form: Sym,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let mut cause = cause;
        if !self.state.people[p as usize].exists {
            cause = Some(self.create_person(p, cause, ch));
        }
        let id = self.record(
            Some(p),
            Actor::Outside,
            EventKind::FilledOutForm(form),
            cause,
        );
        self.activity(p, Activity::FilledOutForm(form), id, ch);
    }

    /// Record `p` comes into existence ("Person is Created").
    fn create_person(
        &mut self,
        p: PersonId,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) -> EventId {
        self.state.people[p as usize].exists = true;
        self.state.batch_index.touch(p);
        let id = self.record(Some(p), Actor::Outside, EventKind::PersonCreated, cause);
        self.activity(p, Activity::Created, id, ch);
        id
    }

    /// The first existing record with `p`'s email address, if any.
    fn existing_record(&self, creation: &PersonCreation, p: PersonId) -> Option<PersonId> {
        creation
            .records_of(p)
            .iter()
            .copied()
            .find(|&r| self.state.people[r as usize].exists)
    }

    /// A submission for person `p` (their email address): look it up, then update the record
    /// found, or insert a new one after the gap.
    pub(super) fn submit(
        &mut self,
        p: PersonId,
        via: Via,
        cause: Option<EventId>,
        attempt: u32,
        ch: &mut dyn Chooser,
    ) {
        let Some(creation) = &self.model.creation else {
            return;
        };
        let found = self.existing_record(creation, p);
        let id = self.record(
            Some(p),
            Actor::Outside,
            EventKind::LookedUpByEmail { via, found },
            cause,
        );
        match (found, via) {
            (Some(r), Via::Form(form)) => self.fill_form(r, form, Some(id), ch),
            (Some(r), Via::Api(client)) => {
                let kind = EventKind::ApiSynced {
                    client,
                    created: false,
                };
                self.record(Some(r), Actor::Outside, kind, Some(id));
            }
            (None, Via::Api(client)) if creation.clients[client as usize].update_only => {
                let c = &creation.clients[client as usize];
                let retry = attempt < c.attempts;
                let kind = EventKind::ApiSkipped { client, retry };
                let skipped = self.record(Some(p), Actor::Outside, kind, Some(id));
                if retry {
                    let what = Pending::ApiSync {
                        person: p,
                        client,
                        attempt: attempt + 1,
                    };
                    let at = self.state.now + c.retry_after_ms;
                    self.state.schedule(at, Some(skipped), what);
                }
            }
            (None, _) => {
                let at = self.state.now + creation.insert_gap.draw(ch);
                let what = Pending::Insert { person: p, via };
                self.state.schedule(at, Some(id), what);
            }
        }
    }

    /// The insert after a lookup that found nothing: it does not look again, so if another
    /// submission inserted the address meanwhile, this one creates a second record (in the
    /// first free record of the address; with none left, the last one takes the submission).
    pub(super) fn insert_person(
        &mut self,
        p: PersonId,
        via: Via,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let Some(creation) = &self.model.creation else {
            return;
        };
        let records = creation.records_of(p);
        let free = records
            .iter()
            .copied()
            .find(|&r| !self.state.people[r as usize].exists);
        let r = free.unwrap_or(records[records.len() - 1]);
        match via {
            Via::Form(form) => self.fill_form(r, form, cause, ch),
            Via::Api(client) => {
                let created = free.is_some();
                let kind = EventKind::ApiSynced { client, created };
                let id = self.record(Some(r), Actor::Outside, kind, cause);
                if created {
                    self.create_person(r, Some(id), ch);
                }
            }
        }
    }

    /// An API client sends person `p` (its first try, or a retry after a skip).
    pub(super) fn api_sync(
        &mut self,
        p: PersonId,
        client: u16,
        attempt: u32,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let kind = EventKind::ApiSyncSent { client, attempt };
        let id = self.record(Some(p), Actor::Outside, kind, cause);
        self.submit(p, Via::Api(client), Some(id), attempt, ch);
    }
}
