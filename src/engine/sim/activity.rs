//! Activities and who they qualify: outside events, trigger matching, smart-list filters,
//! qualification rules, batch snapshots and Request Campaign.

use super::super::chooser::Chooser;
use super::super::model::*;
use super::super::scenario::RequestSource;
use super::super::trace::{Actor, EventId, EventKind};
use super::super::value::{Sym, Value, SYM_MANUAL};
use super::state::*;
use super::Sim;

/// Something that happened to a person, which trigger campaigns may listen for.
#[derive(Debug, Clone, Copy)]
pub(super) enum Activity {
    Created,
    FilledOutForm(Sym),
    ValueChanged {
        field: FieldId,
        old: Value,
        new: Value,
    },
    AddedToList(ListId),
    RemovedFromList(ListId),
    Requested {
        target: CampaignId,
        source: RequestSource,
    },
    StatusChanged {
        program: ProgramId,
        status: u16,
    },
}

impl Activity {
    fn fires(&self, trigger: &TriggerModel, campaign: CampaignId) -> bool {
        use TriggerModel as T;
        match (trigger, *self) {
            (T::PersonIsCreated, Activity::Created) => true,
            (T::FillsOutForm(want), Activity::FilledOutForm(form)) => {
                want.is_none_or(|w| w == form)
            }
            (
                T::DataValueChanges {
                    field,
                    new_value,
                    previous_value,
                },
                Activity::ValueChanged { field: f, old, new },
            ) => {
                *field == f
                    && new_value.as_ref().is_none_or(|t| t.matches(new))
                    && previous_value.as_ref().is_none_or(|t| t.matches(old))
            }
            (T::ScoreIsChanged(field), Activity::ValueChanged { field: f, .. }) => *field == f,
            (T::AddedToList(l), Activity::AddedToList(x)) => *l == x,
            (T::RemovedFromList(l), Activity::RemovedFromList(x)) => *l == x,
            (T::CampaignIsRequested(want), Activity::Requested { target, source }) => {
                target == campaign && (*want == RequestSource::Any || *want == source)
            }
            (
                T::ProgramStatusIsChanged { program, status },
                Activity::StatusChanged {
                    program: p,
                    status: s,
                },
            ) => *program == p && status.is_none_or(|want| want == s),
            _ => false,
        }
    }
}

impl Sim<'_> {
    pub(super) fn outside_event(
        &mut self,
        index: usize,
        person: Option<PersonId>,
        ch: &mut dyn Chooser,
    ) {
        let event = self.model.script[index].event.clone();
        let Some(p) = person else {
            match event {
                OutsideModel::RunBatchCampaign(c) => self.batch_run(c, true, None, ch),
                OutsideModel::RunJobNow(j) => {
                    let kind = EventKind::JobFiredByHand { job: j };
                    let id = self.record(None, Actor::Outside, kind, None);
                    self.job_fire(j, false, Some(id), ch);
                }
                OutsideModel::ResponsesArrive(n) => self.response_burst(n),
                _ => {}
            }
            return;
        };
        match event {
            OutsideModel::FillsOutForm(form) if self.model.creation.is_some() => {
                self.submit(p, Via::Form(form), None, 1, ch)
            }
            OutsideModel::FillsOutForm(form) => self.fill_form(p, form, None, ch),
            OutsideModel::SyncPersonByApi(client) => self.api_sync(p, client, 1, None, ch),
            OutsideModel::DelayWebhook(w, extra_ms) => {
                // About the person's next call, whether or not the person exists yet.
                let kind = EventKind::WebhookDelayInjected {
                    webhook: w,
                    extra_ms,
                };
                let id = self.record(Some(p), Actor::Outside, kind, None);
                let slot = self
                    .state
                    .injected
                    .webhook_delays
                    .entry((p, w))
                    .or_insert_with(|| (0, None));
                *slot = (slot.0.saturating_add(extra_ms), Some(id));
            }
            _ if !self.state.people[p as usize].exists => {}
            OutsideModel::AddToList(l) => self.add_to_list(p, l, Actor::Outside, None, ch),
            OutsideModel::ChangeDataValue(f, v) => {
                self.change_field(p, f, v, Actor::Outside, None, ch)
            }
            OutsideModel::RequestCampaign(c) => {
                self.request(p, c, RequestSource::WebServiceApi, Actor::Outside, None, ch)
            }
            OutsideModel::RunBatchCampaign(c) => self.batch_run(c, true, None, ch),
            OutsideModel::AssignOwnerInCrm(owner) => {
                let queue = SYM_MANUAL;
                self.crm_assign(p, owner, queue, None)
            }
            OutsideModel::ChangeEventArrives(f) => {
                let kind = EventKind::ChangeEventInjected { field: f };
                let id = self.record(Some(p), Actor::Outside, kind, None);
                self.publish_injected(p, f, id, ch);
            }
            OutsideModel::ChangeEventRedelivered => self.redeliver_latest(p, ch),
            OutsideModel::RunJobNow(_) | OutsideModel::ResponsesArrive(_) => {}
        }
    }

    /// Offers `act` to every active trigger campaign.
    pub(super) fn activity(
        &mut self,
        p: PersonId,
        act: Activity,
        cause: EventId,
        ch: &mut dyn Chooser,
    ) {
        for ci in 0..self.model.campaigns.len() {
            let c = &self.model.campaigns[ci];
            if !c.active || c.schedule.is_some() {
                continue;
            }
            if c.triggers.iter().any(|t| act.fires(t, ci as CampaignId))
                && self.smart_list_holds(p, &c.filters, &c.logic)
            {
                self.qualify(ci as CampaignId, p, Some(cause), None, ch);
            }
        }
    }

    pub(super) fn smart_list_holds(
        &self,
        p: PersonId,
        filters: &[FilterModel],
        logic: &super::super::logic::Logic,
    ) -> bool {
        logic.eval(filters.len(), &mut |i| {
            self.filter_holds(p, &filters[i], None)
        })
    }

    /// Evaluates one filter; `fields` overrides the person's fields (a CRM snapshot).
    pub(super) fn filter_holds(
        &self,
        p: PersonId,
        f: &FilterModel,
        fields: Option<&[Value]>,
    ) -> bool {
        let person = &self.state.people[p as usize];
        match f {
            FilterModel::Field(field, test) => {
                test.matches(fields.unwrap_or(&person.fields)[*field as usize])
            }
            FilterModel::MemberOfList(l, member) => person.in_list[*l as usize] == *member,
            FilterModel::ProgramStatus(prog, status, is) => {
                (person.status[*prog as usize] == Some(*status)) == *is
            }
            FilterModel::MemberOfCampaign(c, member) => {
                person.campaigns[*c as usize].member == *member
            }
        }
    }

    /// Applies the qualification rule; on success the person enters the flow.
    pub(super) fn qualify(
        &mut self,
        c: CampaignId,
        p: PersonId,
        cause: Option<EventId>,
        batch: Option<u32>,
        ch: &mut dyn Chooser,
    ) -> bool {
        let now = self.state.now;
        let camp = &self.model.campaigns[c as usize];
        let m = self.state.people[p as usize].campaigns[c as usize];
        let allowed = m.in_flow == 0
            && match camp.qualification {
                Qualification::Once => !m.member,
                Qualification::EveryTime => true,
                Qualification::EveryMs(d) => !m.member || now >= m.last_entry + d,
            };
        if !allowed {
            self.record(Some(p), Actor::Campaign(c), EventKind::NotQualified, cause);
            return false;
        }
        let id = self.record(Some(p), Actor::Campaign(c), EventKind::Qualified, cause);
        self.state.batch_index.touch(p);
        let m = &mut self.state.people[p as usize].campaigns[c as usize];
        m.member = true;
        m.last_entry = now;
        m.in_flow += 1;
        let queue = camp.queue();
        let run = self.state.runs.insert(FlowRun {
            id: 0,
            campaign: c,
            person: p,
            pc: 0,
            callers: Vec::new(),
            queue,
            batch,
            call: None,
            response: None,
            cause: Some(id),
        });
        if let Some(b) = batch {
            self.state.batches.entry(b).or_default().0 += 1;
        }
        match queue {
            QueueKind::Trigger => {
                let d = self.model.queue.trigger_delay.draw(ch);
                self.state
                    .schedule(now + d, Some(id), Pending::Enqueue(run));
            }
            QueueKind::Batch => self.enqueue_current(run),
        }
        true
    }

    /// A batch campaign snapshots its smart list now and queues a run for every member.
    pub(super) fn batch_run(
        &mut self,
        c: CampaignId,
        extra: bool,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let camp = &self.model.campaigns[c as usize];
        if !camp.active {
            return;
        }
        if let (false, Some((_, Some(every)))) = (extra, camp.schedule) {
            self.state.schedule(
                self.state.now + every,
                None,
                Pending::BatchRun {
                    campaign: c,
                    extra: false,
                },
            );
        }
        let model: &Model = self.model;
        let holds = |sim: &Self, c: CampaignId, p: PersonId| {
            let camp = &model.campaigns[c as usize];
            sim.state.people[p as usize].exists
                && sim.smart_list_holds(p, &camp.filters, &camp.logic)
        };
        let members: Vec<PersonId> = if self.state.batch_index.covers(c) {
            let mut index = std::mem::take(&mut self.state.batch_index);
            let members = index.members(c, |c, p| holds(self, c, p));
            self.state.batch_index = index;
            members
        } else {
            (0..self.state.people.len() as PersonId)
                .filter(|&p| holds(self, c, p))
                .collect()
        };
        let id = self.record(
            None,
            Actor::Campaign(c),
            EventKind::BatchStarted {
                members: members.len() as u32,
            },
            cause,
        );
        self.state.next_batch += 1;
        let instance = self.state.next_batch;
        for p in members {
            self.qualify(c, p, Some(id), Some(instance), ch);
        }
    }

    /// Request Campaign (from a flow or the API): the target runs in parallel.
    pub(super) fn request(
        &mut self,
        p: PersonId,
        target: CampaignId,
        source: RequestSource,
        actor: Actor,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let person = &mut self.state.people[p as usize];
        person.requests += 1;
        if person.requests > self.model.queue.request_cap {
            self.state.capped_requests += 1;
            self.record(
                Some(p),
                actor,
                EventKind::RequestCapReached { target },
                cause,
            );
            return;
        }
        let id = self.record(
            Some(p),
            actor,
            EventKind::CampaignRequested { target },
            cause,
        );
        self.activity(p, Activity::Requested { target, source }, id, ch);
    }

    /// Changes a field (no activity when the value is the same).
    pub(super) fn change_field(
        &mut self,
        p: PersonId,
        f: FieldId,
        new: Value,
        actor: Actor,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let old = self.state.people[p as usize].fields[f as usize];
        if old == new {
            return;
        }
        self.state.people[p as usize].fields[f as usize] = new;
        self.state.batch_index.touch(p);
        let id = self.record(
            Some(p),
            actor,
            EventKind::FieldChanged { field: f, old, new },
            cause,
        );
        self.publish_if_watched(p, f, id, ch);
        self.activity(p, Activity::ValueChanged { field: f, old, new }, id, ch);
    }

    pub(super) fn add_to_list(
        &mut self,
        p: PersonId,
        l: ListId,
        actor: Actor,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let person = &mut self.state.people[p as usize];
        if person.in_list[l as usize] {
            return;
        }
        person.in_list[l as usize] = true;
        self.state.batch_index.touch(p);
        person.list_entries[l as usize] += 1;
        let entry = person.list_entries[l as usize];
        let id = self.record(
            Some(p),
            actor,
            EventKind::AddedToList { list: l, entry },
            cause,
        );
        self.activity(p, Activity::AddedToList(l), id, ch);
    }

    pub(super) fn remove_from_list(
        &mut self,
        p: PersonId,
        l: ListId,
        actor: Actor,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let person = &mut self.state.people[p as usize];
        if !person.in_list[l as usize] {
            return;
        }
        person.in_list[l as usize] = false;
        self.state.batch_index.touch(p);
        let id = self.record(
            Some(p),
            actor,
            EventKind::RemovedFromList { list: l },
            cause,
        );
        self.activity(p, Activity::RemovedFromList(l), id, ch);
    }

    /// One-way program status progression: only to a higher step, or a different status
    /// sharing the current step number; anything else is refused (API error 1037).
    pub(super) fn change_status(
        &mut self,
        p: PersonId,
        prog: ProgramId,
        to: u16,
        actor: Actor,
        cause: Option<EventId>,
        ch: &mut dyn Chooser,
    ) {
        let statuses = &self.model.programs[prog as usize].statuses;
        let from = self.state.people[p as usize].status[prog as usize];
        if let Some(cur) = from {
            let (cur_step, to_step) = (statuses[cur as usize].1, statuses[to as usize].1);
            if cur == to || to_step < cur_step {
                self.record(
                    Some(p),
                    actor,
                    EventKind::StatusRefused {
                        program: prog,
                        current: cur,
                        requested: to,
                    },
                    cause,
                );
                return;
            }
        }
        self.state.people[p as usize].status[prog as usize] = Some(to);
        self.state.batch_index.touch(p);
        let id = self.record(
            Some(p),
            actor,
            EventKind::StatusChanged {
                program: prog,
                from,
                to,
            },
            cause,
        );
        self.activity(
            p,
            Activity::StatusChanged {
                program: prog,
                status: to,
            },
            id,
            ch,
        );
    }
}
