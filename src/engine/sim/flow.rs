//! Flow steps: what a worker does when it finishes a person's current step, and how the
//! run moves on (next step, Wait, executed campaigns, Remove from Flow, the end).

use super::super::chooser::Chooser;
use super::super::model::*;
use super::super::scenario::RequestSource;
use super::super::trace::{Actor, EventKind};
use super::super::value::Value;
use super::state::*;
use super::Sim;

/// What the run does after its step.
enum Next {
    Advance,
    /// Paused: a Wait or a webhook resumes it.
    Paused,
    /// Jumped into an executed campaign: its first step is queued.
    Jumped,
    Leave,
}

impl<'m> Sim<'m> {
    fn current_step(&self, r: RunRef) -> Option<&'m StepModel> {
        let run = self.state.runs.get(r)?;
        let model: &'m Model = self.model;
        model.campaigns[run.campaign as usize]
            .flow
            .get(run.pc as usize)
    }

    /// Puts the run's current step in its queue (or ends the run if the flow is over).
    pub(super) fn enqueue_current(&mut self, r: RunRef) {
        let Some(run) = self.state.runs.get(r) else {
            return;
        };
        let queue = run.queue;
        match self.current_step(r) {
            Some(step) => {
                let prio = step.priority;
                self.state.seq += 1;
                let seq = self.state.seq;
                self.state.queues[queue as usize].ready.push((prio, seq, r));
            }
            None => self.leave(r),
        }
    }

    /// A worker finished the current step: apply it, then move on.
    pub(super) fn step_done(&mut self, r: RunRef, ch: &mut dyn Chooser) {
        let Some(step) = self.current_step(r) else {
            self.leave(r);
            return;
        };
        let action = self.resolve_choice(r, &step.action);
        match self.apply(r, action, ch) {
            Next::Advance => self.advance(r),
            Next::Paused | Next::Jumped => {}
            Next::Leave => self.leave(r),
        }
    }

    /// A choice picks its first matching branch at the moment the step runs.
    fn resolve_choice(&self, r: RunRef, action: &'m ActionModel) -> &'m ActionModel {
        let ActionModel::Choice { branches, default } = action else {
            return action;
        };
        let p = self.state.runs.get(r).map_or(0, |x| x.person);
        branches
            .iter()
            .find(|(filters, logic, _)| self.smart_list_holds(p, filters, logic))
            .map_or(default, |(_, _, a)| a)
    }

    fn apply(&mut self, r: RunRef, action: &'m ActionModel, ch: &mut dyn Chooser) -> Next {
        let run = self.state.runs.get(r).expect("live run");
        let (p, c, cause) = (run.person, run.campaign, run.cause);
        let actor = Actor::Campaign(c);
        let now = self.state.now;
        let before = self.events();
        match action {
            ActionModel::ChangeDataValue(f, v) => self.change_field(p, *f, *v, actor, cause, ch),
            ActionModel::ChangeScore(f, by) => {
                let old = match self.state.people[p as usize].fields[*f as usize] {
                    Value::Number(n) => n,
                    _ => 0,
                };
                self.change_field(p, *f, Value::Number(by.apply(old)), actor, cause, ch);
            }
            ActionModel::AddToList(l) => self.add_to_list(p, *l, actor, cause, ch),
            ActionModel::RemoveFromList(l) => self.remove_from_list(p, *l, actor, cause, ch),
            ActionModel::ChangeProgramStatus(prog, s) => {
                self.change_status(p, *prog, *s, actor, cause, ch)
            }
            ActionModel::RequestCampaign(t) => {
                self.request(p, *t, RequestSource::FlowAction, actor, cause, ch)
            }
            ActionModel::ExecuteCampaign(t) => return self.execute(r, *t, cause),
            ActionModel::Wait(d) => {
                let until = now + d.draw(ch);
                let id = self.record(Some(p), actor, EventKind::WaitStarted { until }, cause);
                self.state.schedule(until, Some(id), Pending::WaitOver(r));
                self.set_cause(r, id);
                return Next::Paused;
            }
            ActionModel::SendEmail(email) => self.send_email(r, p, *email, actor, cause),
            ActionModel::SendAlert(alert) => {
                let recipient = self.model.owner_field.map_or(Value::Empty, |f| {
                    self.state.people[p as usize].fields[f as usize]
                });
                self.record(
                    Some(p),
                    actor,
                    EventKind::AlertSent {
                        alert: *alert,
                        recipient,
                    },
                    cause,
                );
            }
            ActionModel::CallWebhook(w) => {
                self.call_webhook(r, *w, ch);
                return Next::Paused;
            }
            ActionModel::SyncPersonToCrm => self.crm_push(p, actor, cause, ch),
            ActionModel::RemoveFromFlow => {
                self.record(Some(p), actor, EventKind::RemovedFromFlow, cause);
                return Next::Leave;
            }
            ActionModel::DoNothing => {}
            ActionModel::Choice { .. } => unreachable!("choices are resolved before apply"),
        }
        if self.events() > before {
            self.set_cause(r, (self.events() - 1) as u32);
        }
        Next::Advance
    }

    pub(super) fn set_cause(&mut self, r: RunRef, id: u32) {
        if let Some(run) = self.state.runs.get_mut(r) {
            run.cause = Some(id);
        }
    }

    /// Batch sends skip an address this batch run already e-mailed; trigger sends do not.
    fn send_email(&mut self, r: RunRef, p: PersonId, email: u32, actor: Actor, cause: Option<u32>) {
        let batch = self.state.runs.get(r).and_then(|x| x.batch);
        if let (Some(b), Some(ef)) = (batch, self.model.email_field) {
            let address = self.state.people[p as usize].fields[ef as usize];
            let sent = &mut self.state.batches.entry(b).or_default().1;
            if !address.is_empty() && !sent.insert(address) {
                self.record(
                    Some(p),
                    actor,
                    EventKind::EmailDeduplicated { email },
                    cause,
                );
                return;
            }
        }
        self.record(Some(p), actor, EventKind::EmailSent { email }, cause);
    }

    /// Execute Campaign: the target's flow runs in series inside this run.
    fn execute(&mut self, r: RunRef, target: CampaignId, cause: Option<u32>) -> Next {
        let run = self.state.runs.get(r).expect("live run");
        let (p, c) = (run.person, run.campaign);
        let id = self.record(
            Some(p),
            Actor::Campaign(c),
            EventKind::ExecutedCampaign { target },
            cause,
        );
        self.state.batch_index.touch(p);
        let m = &mut self.state.people[p as usize].campaigns[target as usize];
        m.member = true;
        m.last_entry = self.state.now;
        let run = self.state.runs.get_mut(r).expect("live run");
        run.callers.push((run.campaign, run.pc + 1));
        run.campaign = target;
        run.pc = 0;
        run.cause = Some(id);
        self.settle(r);
        Next::Jumped
    }

    /// Moves to the next step (returning from executed campaigns at their end).
    pub(super) fn advance(&mut self, r: RunRef) {
        let Some(run) = self.state.runs.get_mut(r) else {
            return;
        };
        run.pc += 1;
        self.settle(r);
    }

    /// Queues the run's current step; past the end of an executed campaign's flow it
    /// returns to the caller, past the end of its own flow the run is over.
    fn settle(&mut self, r: RunRef) {
        let Some(run) = self.state.runs.get_mut(r) else {
            return;
        };
        while self.model.campaigns[run.campaign as usize].flow.len() <= run.pc as usize {
            match run.callers.pop() {
                Some((c, pc)) => {
                    run.campaign = c;
                    run.pc = pc;
                }
                None => {
                    self.leave(r);
                    return;
                }
            }
        }
        self.enqueue_current(r);
    }

    /// The run is over (finished, or removed from the flow with its callers).
    pub(super) fn leave(&mut self, r: RunRef) {
        let Some(run) = self.state.runs.remove(r) else {
            return;
        };
        let first = run.callers.first().map_or(run.campaign, |(c, _)| *c);
        let m = &mut self.state.people[run.person as usize].campaigns[first as usize];
        m.in_flow = m.in_flow.saturating_sub(1);
        if let Some(b) = run.batch {
            if let Some(entry) = self.state.batches.get_mut(&b) {
                entry.0 -= 1;
                if entry.0 == 0 {
                    self.state.batches.remove(&b);
                }
            }
        }
    }
}
