//! The rules Marketo itself enforces on the campaigns a user builds, checked on every compile
//! (so `validate` checks every variant, and a run checks its own knob values). Each refusal
//! names the campaign and the flow step and says, in a Marketo admin's words, what Marketo
//! allows. `docs/marketo-rules.md` lists every rule with its source in Adobe's documentation.
//!
//! Checked here, over the compiled campaigns and webhooks: Call Webhook only in trigger
//! campaigns; a webhook waits at most 30 s for its response; no Wait or Call Webhook in a
//! campaign run by Execute Campaign; Execute Campaign only of executable campaigns (no
//! triggers, no schedule), at most 3 levels deep; Request Campaign only of a campaign with a
//! "Campaign is Requested" trigger. Checked where they are compiled: a batch campaign has no
//! triggers (`campaigns`), tokens in webhook keys (`systems`), and requests from outside
//! through the API (`script`, `integrations`, with [`Compiler::api_requestable`]).

use super::error::{Place, ScenarioError};
use super::Compiler;
use crate::engine::knobs::Param;
use crate::engine::model::{limits, ActionModel, CampaignId, CampaignModel, TriggerModel, Webhook};
use crate::engine::scenario::{RequestSource, Trigger, WebhookDef};

/// The longest Marketo waits for a webhook's response before it gives up.
pub const WEBHOOK_TIMEOUT_MAX_MS: u64 = 30_000;

/// The first rule a set of campaigns breaks, with its place.
pub(super) fn check_campaigns(
    campaigns: &[CampaignModel],
    webhooks: &[Webhook],
) -> Result<(), ScenarioError> {
    let callers = executed_by(campaigns);
    let depths = execute_depths(campaigns);
    for (c, campaign) in campaigns.iter().enumerate() {
        let ctx = Ctx {
            campaigns,
            webhooks,
            campaign,
            caller: callers[c],
            depths: &depths,
        };
        for (i, step) in campaign.flow.iter().enumerate() {
            let at = |e: ScenarioError| {
                e.at(Place::FlowStep(i + 1))
                    .at(Place::Campaign(campaign.name.clone()))
            };
            match &step.action {
                ActionModel::Choice { branches, default } => {
                    for (j, (_, _, then)) in branches.iter().enumerate() {
                        ctx.step(then)
                            .map_err(|e| at(ScenarioError::from(e).at(Place::Choice(j + 1))))?;
                    }
                    ctx.step(default).map_err(|e| at(e.into()))?;
                }
                a => ctx.step(a).map_err(|e| at(e.into()))?,
            }
        }
    }
    Ok(())
}

/// For each campaign, the first campaign that runs it with Execute Campaign (if any).
fn executed_by(campaigns: &[CampaignModel]) -> Vec<Option<CampaignId>> {
    let mut callers = vec![None; campaigns.len()];
    for (c, campaign) in campaigns.iter().enumerate() {
        for step in &campaign.flow {
            for t in executes(&step.action) {
                callers[t as usize].get_or_insert(c as CampaignId);
            }
        }
    }
    callers
}

/// The campaigns a step executes (a choice's branches and default included).
fn executes(a: &ActionModel) -> Vec<CampaignId> {
    match a {
        ActionModel::ExecuteCampaign(t) => vec![*t],
        ActionModel::Choice { branches, default } => branches
            .iter()
            .map(|(_, _, b)| b)
            .chain(std::iter::once(&**default))
            .flat_map(executes)
            .collect(),
        _ => Vec::new(),
    }
}

/// For each campaign, how many levels of Execute Campaign its flow runs below it (0: none).
/// Execute Campaign forms no loop (checked before).
fn execute_depths(campaigns: &[CampaignModel]) -> Vec<usize> {
    fn depth(c: usize, campaigns: &[CampaignModel], memo: &mut [Option<usize>]) -> usize {
        if let Some(d) = memo[c] {
            return d;
        }
        let d = (campaigns[c].flow.iter())
            .flat_map(|s| executes(&s.action))
            .map(|t| 1 + depth(t as usize, campaigns, memo))
            .max()
            .unwrap_or(0);
        memo[c] = Some(d);
        d
    }
    let mut memo = vec![None; campaigns.len()];
    (0..campaigns.len())
        .map(|c| depth(c, campaigns, &mut memo))
        .collect()
}

/// One campaign, as the rules for its steps see it.
struct Ctx<'a> {
    campaigns: &'a [CampaignModel],
    webhooks: &'a [Webhook],
    campaign: &'a CampaignModel,
    /// The campaign that runs this one with Execute Campaign, if any.
    caller: Option<CampaignId>,
    depths: &'a [usize],
}

impl Ctx<'_> {
    fn name(&self, c: CampaignId) -> &str {
        &self.campaigns[c as usize].name
    }

    fn step(&self, a: &ActionModel) -> Result<(), String> {
        match a {
            ActionModel::CallWebhook(w) => {
                let hook = &self.webhooks[*w as usize];
                self.not_executed("Call Webhook")?;
                if self.campaign.schedule.is_some() || self.campaign.triggers.is_empty() {
                    return Err(format!(
                        "Call Webhook `{}` is in a batch campaign (it {}): Marketo allows Call \
                         Webhook only in trigger campaigns. Move the step to a trigger campaign, \
                         e.g. one with a \"Campaign is Requested\" trigger that this campaign \
                         starts with Request Campaign",
                        hook.name,
                        if self.campaign.schedule.is_some() {
                            "has a schedule"
                        } else {
                            "has no triggers"
                        }
                    ));
                }
                if hook.timeout_ms > WEBHOOK_TIMEOUT_MAX_MS {
                    let subject = format!("Call Webhook `{}`", hook.name);
                    return Err(timeout_refusal(&subject, hook.timeout_ms));
                }
                Ok(())
            }
            ActionModel::Wait(_) => self.not_executed("Wait"),
            ActionModel::ExecuteCampaign(t) => {
                let target = &self.campaigns[*t as usize];
                if !target.triggers.is_empty() || target.schedule.is_some() {
                    return Err(format!(
                        "Execute Campaign `{}`: that campaign {}, but Marketo runs only \
                         executable campaigns with Execute Campaign, and an executable campaign \
                         is never activated or scheduled: it runs only when a flow executes it. \
                         Remove its {} (its filters still say who qualifies), or use Request \
                         Campaign to start a trigger campaign",
                        target.name,
                        if target.schedule.is_some() {
                            "has a schedule"
                        } else {
                            "has triggers"
                        },
                        if target.schedule.is_some() {
                            "schedule"
                        } else {
                            "triggers"
                        },
                    ));
                }
                let levels = 1 + self.depths[*t as usize];
                if levels > limits::MAX_EXECUTE_DEPTH {
                    return Err(format!(
                        "Execute Campaign `{}` nests executable campaigns {levels} levels deep: \
                         Marketo allows at most {} levels (parent > child > child > child)",
                        target.name,
                        limits::MAX_EXECUTE_DEPTH
                    ));
                }
                Ok(())
            }
            ActionModel::RequestCampaign(t) => requestable(
                (self.campaigns[*t as usize].triggers.iter())
                    .any(|t| matches!(t, TriggerModel::CampaignIsRequested(_))),
                self.name(*t),
                RequestSource::FlowAction,
            )
            .map_err(|e| format!("Request Campaign `{}`: {e}", self.name(*t))),
            _ => Ok(()),
        }
    }

    /// Refuses `step` in a campaign run by Execute Campaign.
    fn not_executed(&self, step: &str) -> Result<(), String> {
        match self.caller {
            Some(caller) => Err(format!(
                "{step} in a campaign run by Execute Campaign (from `{}`): Marketo never allows \
                 Wait or Call Webhook steps in an executable campaign. Use Request Campaign \
                 instead, which starts a trigger campaign that runs on its own",
                self.name(caller)
            )),
            None => Ok(()),
        }
    }
}

/// Why a request from `source` could never start campaign `name`, if it could not: it needs
/// a "Campaign is Requested" trigger (`requested`). A trigger that listens to another source
/// is allowed: Marketo lets you build it, and the request then silently does nothing, as the
/// engine shows.
fn requestable(requested: bool, name: &str, source: RequestSource) -> Result<(), String> {
    if requested {
        return Ok(());
    }
    let from = match source {
        RequestSource::WebServiceApi => "Web Service API",
        _ => "Marketo Flow Action",
    };
    Err(format!(
        "`{name}` has no \"Campaign is Requested\" trigger, so Marketo would never run it: a \
         requested campaign must be a trigger campaign whose smart list has \"Campaign is \
         Requested\" (source: {from}). Add that trigger to `{name}`"
    ))
}

/// `subject` (a step or the webhook) waits `ms` for a response: more than Marketo allows.
fn timeout_refusal(subject: &str, ms: u64) -> String {
    format!(
        "{subject} waits {} for the webhook's response, but Marketo waits at most 30 s for a \
         webhook's response (then it gives up: no response mapping, and the flow goes on). Set \
         the webhook's timeout to 30 s or less",
        seconds(ms)
    )
}

fn seconds(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

impl Compiler<'_> {
    /// A webhook's response timeout, as resolved and as its knob allows: at most 30 s (after
    /// [`check_campaigns`], which names the step that calls it; this catches the webhooks no
    /// campaign calls, and knobs that would allow more).
    pub(super) fn webhook_timeout(&self, w: &WebhookDef, timeout_ms: u64) -> Result<(), String> {
        if timeout_ms > WEBHOOK_TIMEOUT_MAX_MS {
            return Err(timeout_refusal("this webhook", timeout_ms));
        }
        let Param::Knob(name) = &w.timeout else {
            return Ok(());
        };
        let Some(k) = self.s.knobs.iter().find(|k| &k.name == name) else {
            return Ok(());
        };
        let max_ms = k.unit.ms_factor().map(|f| k.max.saturating_mul(f));
        match max_ms {
            Some(max) if max > WEBHOOK_TIMEOUT_MAX_MS as i64 => Err(format!(
                "knob `{}` sets this webhook's response timeout and goes up to {} {}, but \
                 Marketo waits at most 30 s for a webhook's response: set the knob's max to \
                 30 s or less",
                k.display_name(),
                k.max,
                k.unit.label()
            )),
            _ => Ok(()),
        }
    }

    /// Why a request through the API (a scripted outside request, the change feed's consumer)
    /// would not start campaign `c`, if it would not.
    pub(super) fn api_requestable(&self, c: CampaignId) -> Result<(), String> {
        let campaign = &self.s.campaigns[c as usize];
        let requested = (campaign.smart_list.triggers.iter())
            .any(|t| matches!(t, Trigger::CampaignIsRequested { .. }));
        requestable(requested, &campaign.name, RequestSource::WebServiceApi)
            .map_err(|e| format!("Request Campaign through the API: {e}"))
    }
}
