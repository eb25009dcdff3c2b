//! Programs and smart campaigns: schedules, triggers, filters, flow steps with their queue
//! priority, and the check that Execute Campaign forms no loop.

use super::error::{Place, ScenarioError, Within};
use super::{index_names, unknown, Compiler};
use crate::engine::knobs::ParamUse;
use crate::engine::logic::Logic;
use crate::engine::model::{
    self, limits, ActionModel, CampaignId, CampaignModel, FilterModel, Priority, Program,
    QueueKind, ScoreChange, StepModel, TriggerModel,
};
use crate::engine::scenario::{self, Action, Campaign, Filter, Trigger};

impl Compiler<'_> {
    pub(super) fn programs(&self) -> Result<Vec<Program>, ScenarioError> {
        self.s
            .programs
            .iter()
            .map(|p| {
                if p.statuses.is_empty() {
                    return Err(format!("program `{}` has no statuses", p.name).into());
                }
                index_names("status", p.statuses.iter().map(|s| s.name.as_str()))
                    .within(Place::Program(p.name.clone()))?;
                Ok(Program {
                    name: p.name.clone(),
                    statuses: p
                        .statuses
                        .iter()
                        .map(|s| (s.name.clone(), s.step))
                        .collect(),
                })
            })
            .collect()
    }

    pub(super) fn campaign(&mut self, c: &Campaign) -> Result<CampaignModel, ScenarioError> {
        let schedule = match &c.schedule {
            Some(sch) => {
                if !c.smart_list.triggers.is_empty() {
                    return Err(
                        "a campaign with a schedule is a batch campaign, and a batch \
                                campaign cannot have triggers: Marketo runs a campaign whose \
                                smart list has a trigger in trigger mode, one person at a time. \
                                Remove the schedule or the triggers"
                            .into(),
                    );
                }
                let at = self.duration(&sch.at)?;
                let every = match &sch.every {
                    Some(e) => {
                        let e = self.duration(e)?;
                        if e < limits::MIN_RECURRENCE_MS {
                            return Err(
                                format!("recurs every {e} ms: the minimum is one minute").into()
                            );
                        }
                        Some(e)
                    }
                    None => None,
                };
                Some((at, every))
            }
            None => None,
        };
        if c.flow.len() > limits::MAX_FLOW_STEPS {
            let n = c.flow.len();
            return Err(format!("{n} flow steps: at most {}", limits::MAX_FLOW_STEPS).into());
        }
        let triggers = c
            .smart_list
            .triggers
            .iter()
            .map(|t| self.trigger(t))
            .collect::<Result<Vec<_>, _>>()?;
        let filters = self.filters(&c.smart_list.filters)?;
        let logic = Logic::parse(c.smart_list.logic.as_deref(), filters.len())?;
        let qualification = match &c.qualification {
            scenario::Qualification::Once => model::Qualification::Once,
            scenario::Qualification::EveryTime => model::Qualification::EveryTime,
            scenario::Qualification::OnceEvery(p) => {
                model::Qualification::EveryMs(self.duration(p)?)
            }
        };
        let queue = if schedule.is_some() {
            QueueKind::Batch
        } else {
            QueueKind::Trigger
        };
        let flow = c
            .flow
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let action = self.action(a).within(Place::FlowStep(i + 1))?;
                let priority = self.priority(&action, queue);
                Ok(StepModel { action, priority })
            })
            .collect::<Result<Vec<_>, ScenarioError>>()?;
        Ok(CampaignModel {
            name: c.name.clone(),
            active: c.active,
            triggers,
            filters,
            logic,
            schedule,
            qualification,
            flow,
        })
    }

    fn priority(&self, a: &ActionModel, queue: QueueKind) -> Priority {
        use ActionModel as A;
        match a {
            A::SendEmail(_) if queue == QueueKind::Trigger => Priority::High,
            A::SendAlert(_) => Priority::High,
            A::ChangeDataValue(..) | A::ChangeScore(..) | A::CallWebhook(_) => Priority::Low,
            A::Wait(d) if d.nominal_ms() > 5 * 60_000 => Priority::Low,
            A::Choice { default, .. } => self.priority(default, queue),
            _ => Priority::Medium,
        }
    }

    fn trigger(&mut self, t: &Trigger) -> Result<TriggerModel, String> {
        Ok(match t {
            Trigger::PersonIsCreated => TriggerModel::PersonIsCreated,
            Trigger::FillsOutForm { form } => {
                TriggerModel::FillsOutForm(form.as_deref().map(|f| self.syms.intern(f)))
            }
            Trigger::DataValueChanges {
                field,
                new_value,
                previous_value,
            } => {
                let f = self.field(field)?;
                TriggerModel::DataValueChanges {
                    field: f,
                    new_value: new_value.as_ref().map(|t| self.test(f, t)).transpose()?,
                    previous_value: previous_value
                        .as_ref()
                        .map(|t| self.test(f, t))
                        .transpose()?,
                }
            }
            Trigger::AddedToList(l) => TriggerModel::AddedToList(self.list(l)?),
            Trigger::RemovedFromList(l) => TriggerModel::RemovedFromList(self.list(l)?),
            Trigger::CampaignIsRequested { source } => TriggerModel::CampaignIsRequested(*source),
            Trigger::ProgramStatusIsChanged {
                program,
                new_status,
            } => {
                let p = self.program(program)?;
                TriggerModel::ProgramStatusIsChanged {
                    program: p,
                    status: new_status
                        .as_deref()
                        .map(|s| self.status(p, s))
                        .transpose()?,
                }
            }
            Trigger::ScoreIsChanged(f) => TriggerModel::ScoreIsChanged(self.number_field(f)?),
        })
    }

    pub(super) fn filters(&mut self, fs: &[Filter]) -> Result<Vec<FilterModel>, ScenarioError> {
        fs.iter()
            .enumerate()
            .map(|(i, f)| self.filter(f).within(Place::Filter(i + 1)))
            .collect()
    }

    fn filter(&mut self, f: &Filter) -> Result<FilterModel, ScenarioError> {
        Ok(match f {
            Filter::Field { field, test } => {
                let id = self.field(field)?;
                FilterModel::Field(id, self.test(id, test)?)
            }
            Filter::MemberOfList { list, member } => {
                FilterModel::MemberOfList(self.list(list)?, *member)
            }
            Filter::ProgramStatus {
                program,
                status,
                is,
            } => {
                let p = self.program(program)?;
                FilterModel::ProgramStatus(p, self.status(p, status)?, *is)
            }
            Filter::MemberOfCampaign { campaign, member } => {
                FilterModel::MemberOfCampaign(self.campaign_id(campaign)?, *member)
            }
        })
    }

    pub(super) fn action(&mut self, a: &Action) -> Result<ActionModel, ScenarioError> {
        use ActionModel as M;
        Ok(match a {
            Action::ChangeDataValue { field, value } => {
                let f = self.field(field)?;
                M::ChangeDataValue(f, self.value(f, value)?)
            }
            Action::ChangeScore { field, change, set } => {
                let f = self.number_field(field)?;
                let by = match (change, set) {
                    (Some(c), None) => ScoreChange::By(self.param(c, ParamUse::Count)?),
                    (None, Some(n)) => ScoreChange::To(self.param(n, ParamUse::Count)?),
                    _ => {
                        return Err(
                            "Change Score takes either `change` (+5, -5) or `set` (=5), not both or neither"
                                .into(),
                        )
                    }
                };
                M::ChangeScore(f, by)
            }
            Action::AddToList(l) => M::AddToList(self.list(l)?),
            Action::RemoveFromList(l) => M::RemoveFromList(self.list(l)?),
            Action::ChangeProgramStatus { program, status } => {
                let p = self.program(program)?;
                M::ChangeProgramStatus(p, self.status(p, status)?)
            }
            Action::RequestCampaign(c) => M::RequestCampaign(self.campaign_id(c)?),
            Action::ExecuteCampaign(c) => M::ExecuteCampaign(self.campaign_id(c)?),
            Action::Wait(d) => M::Wait(self.dist(d)?),
            Action::SendEmail(e) => M::SendEmail(self.syms.intern(e)),
            Action::SendAlert(e) => M::SendAlert(self.syms.intern(e)),
            Action::CallWebhook(w) => M::CallWebhook(
                self.webhooks
                    .get(w.as_str())
                    .copied()
                    .ok_or_else(|| unknown("webhook", w, &self.webhooks))?,
            ),
            Action::SyncPersonToCrm => {
                if self.s.systems.crm.is_none() {
                    return Err("Sync Person to SFDC needs a `crm` in systems".into());
                }
                M::SyncPersonToCrm
            }
            Action::RemoveFromFlow => M::RemoveFromFlow,
            Action::DoNothing => M::DoNothing,
            Action::Choice { branches, default } => {
                if branches.is_empty() {
                    return Err("a choice needs at least one branch".into());
                }
                let mut out = Vec::new();
                for (i, b) in branches.iter().enumerate() {
                    let fs = self.filters(&b.when).within(Place::Choice(i + 1))?;
                    let logic = Logic::parse(b.logic.as_deref(), fs.len())?;
                    if matches!(b.then, Action::Choice { .. }) {
                        return Err("a choice cannot contain another choice".into());
                    }
                    out.push((fs, logic, self.action(&b.then)?));
                }
                M::Choice {
                    branches: out,
                    default: Box::new(self.action(default)?),
                }
            }
        })
    }
}

/// Execute Campaign forms no loop (how deep it nests, and what an executed campaign may
/// contain, are Marketo's rules: see `marketo_rules`).
pub(super) fn check_execute_graph(campaigns: &[CampaignModel]) -> Result<(), String> {
    fn executes(a: &ActionModel, out: &mut Vec<CampaignId>) {
        match a {
            ActionModel::ExecuteCampaign(c) => out.push(*c),
            ActionModel::Choice { branches, default } => {
                branches.iter().for_each(|(_, _, b)| executes(b, out));
                executes(default, out);
            }
            _ => {}
        }
    }
    let callees: Vec<Vec<CampaignId>> = campaigns
        .iter()
        .map(|c| {
            let mut v = Vec::new();
            c.flow.iter().for_each(|s| executes(&s.action, &mut v));
            v
        })
        .collect();
    // Depth-first from each campaign, colouring campaigns on the current path (1) and done
    // (2): an edge back to the path is a loop. Each campaign is walked once.
    fn walk(
        node: usize,
        callees: &[Vec<CampaignId>],
        colour: &mut [u8],
    ) -> Result<(), (usize, usize)> {
        colour[node] = 1;
        for &callee in &callees[node] {
            match colour[callee as usize] {
                1 => return Err((node, callee as usize)),
                0 => walk(callee as usize, callees, colour)?,
                _ => {}
            }
        }
        colour[node] = 2;
        Ok(())
    }
    let mut colour = vec![0u8; campaigns.len()];
    for i in 0..campaigns.len() {
        if colour[i] == 0 {
            walk(i, &callees, &mut colour).map_err(|(from, to)| {
                format!(
                    "campaign `{}`: Execute Campaign forms a loop through `{}`",
                    campaigns[from].name, campaigns[to].name
                )
            })?;
        }
    }
    Ok(())
}
