//! A test EPAS server: the Cisco Unified Presence SOAP 1.2 interface implemented on the
//! generated server trait, with the session rules of the guide. `login` checks the user's
//! password and returns a session key (refusing a second session unless `force="true"`);
//! every other call needs a valid `session-key` header, else it gets the guide's fault
//! (Example 9: `Sender`, "Invalid request."); `logout` invalidates the key. The calls keep
//! per-user state where the guide shows it (calendaring, recent communications, contact
//! groups, long-term presence status) and answer the others with the empty responses the
//! schema allows.

// The generated server trait returns `Result<_, Fault>`; the helpers follow it.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::Mutex;

use generated::cisco_epas::epas_soap_service_binding::*;
use generated::cisco_epas::soap::*;
use soapkit::server::RequestContext;
use soapkit::soap::Fault;

/// The reason of the fault for a missing, unknown or expired session key (Example 9).
pub const INVALID_REQUEST: &str = "Invalid request.";

#[derive(Debug, Default)]
struct UserState {
    calendaring: bool,
    recent: Vec<RecentCommRecordType>,
    groups: BTreeMap<String, String>,
    presence: Option<String>,
}

#[derive(Debug, Default)]
struct State {
    /// Session key → user.
    sessions: BTreeMap<String, String>,
    users: BTreeMap<String, UserState>,
    issued: u64,
}

/// The server: users and their passwords, sessions and per-user state.
#[derive(Debug)]
pub struct EpasServer {
    passwords: BTreeMap<String, String>,
    state: Mutex<State>,
}

impl EpasServer {
    /// A server knowing `users` as `(name, password)`.
    pub fn new(users: &[(&str, &str)]) -> Self {
        EpasServer {
            passwords: users.iter().map(|(u, p)| ((*u).to_owned(), (*p).to_owned())).collect(),
            state: Mutex::new(State::default()),
        }
    }

    /// The number of open sessions.
    pub fn sessions(&self) -> usize {
        self.state.lock().unwrap().sessions.len()
    }

    fn invalid() -> Fault {
        Fault::soap(VERSION, VERSION.sender_code(), INVALID_REQUEST).with_lang("en")
    }

    /// Runs `f` on the state of the session's user, or fails with the guide's fault.
    fn with_user<T>(&self, key: &Option<String>, f: impl FnOnce(&mut UserState) -> T) -> Result<T, Fault> {
        let mut state = self.state.lock().unwrap();
        let user = key.as_ref().and_then(|k| state.sessions.get(k)).cloned().ok_or_else(Self::invalid)?;
        Ok(f(state.users.entry(user).or_default()))
    }
}

fn ok() -> StatusCodeType {
    StatusCodeType { status_code: "0".into() }
}

impl EpasSoapServiceBindingServer for EpasServer {
    async fn login(&self, _: &RequestContext, input: LoginInput) -> Result<LoginOutput, Fault> {
        let Login { force, username, password } = input.parameters;
        let mut state = self.state.lock().unwrap();
        let failure = |reason: &str| Ok(LoginOutput { parameters: LoginResp::Failure(LoginRespFailure { reason: reason.into() }) });
        if self.passwords.get(&username) != Some(&password) {
            return failure("Wrong username/password");
        }
        let open: Vec<String> = state.sessions.iter().filter(|(_, u)| **u == username).map(|(k, _)| k.clone()).collect();
        if !open.is_empty() && force != Some(true) {
            return failure("A SOAP session has already been established.");
        }
        for k in open {
            state.sessions.remove(&k);
        }
        state.issued += 1;
        let key = format!("{:08x}-24e3-4e66-a3b6-{:012x}", std::process::id(), state.issued);
        state.sessions.insert(key.clone(), username);
        Ok(LoginOutput { parameters: LoginResp::Success(LoginRespSuccess { session_key: key }) })
    }

    async fn logout(&self, _: &RequestContext, input: LogoutInput) -> Result<LogoutOutput, Fault> {
        let mut state = self.state.lock().unwrap();
        match input.session_key.and_then(|k| state.sessions.remove(&k)) {
            Some(_) => Ok(LogoutOutput { parameters: LogoutResp { success: EmptyType {} } }),
            None => Err(Self::invalid()),
        }
    }

    async fn get_all_config(&self, _: &RequestContext, input: GetAllConfigInput) -> Result<GetAllConfigOutput, Fault> {
        self.with_user(&input.session_key, |_| GetAllConfigOutput {
            parameters: GetAllConfigResp {
                get_system_config_resp: None,
                get_user_config_resp: None,
                get_licensing_features_resp: None,
                get_contact_list_resp: None,
                get_presence_rules_resp: None,
                get_dialing_rules_resp: None,
            },
        })
    }

    async fn get_system_config(&self, _: &RequestContext, input: GetSystemConfigInput) -> Result<GetSystemConfigOutput, Fault> {
        self.with_user(&input.session_key, |_| GetSystemConfigOutput { parameters: GetSystemConfigResp { property: Vec::new() } })
    }

    async fn get_user_config(&self, _: &RequestContext, input: GetUserConfigInput) -> Result<GetUserConfigOutput, Fault> {
        self.with_user(&input.session_key, |_| GetUserConfigOutput { parameters: GetUserConfigResp { property: Vec::new() } })
    }

    async fn set_user_config(&self, _: &RequestContext, input: SetUserConfigInput) -> Result<SetUserConfigOutput, Fault> {
        let names: Vec<String> = input.parameters.property.iter().map(|p| p.name.clone()).collect();
        self.with_user(&input.session_key, |_| SetUserConfigOutput {
            parameters: SetUserConfigResp {
                property: names.into_iter().map(|name| PropertyStatusType { name, status_code: "0".into() }).collect(),
            },
        })
    }

    async fn get_contact_list(&self, _: &RequestContext, input: GetContactListInput) -> Result<GetContactListOutput, Fault> {
        self.with_user(&input.session_key, |u| GetContactListOutput {
            parameters: GetContactListResp {
                group: u
                    .groups
                    .iter()
                    .map(|(name, index)| ContactListGroupType { name: name.clone(), index: index.clone(), persona_id: Vec::new() })
                    .collect(),
            },
        })
    }

    async fn add_group(&self, _: &RequestContext, input: AddGroupInput) -> Result<AddGroupOutput, Fault> {
        self.with_user(&input.session_key, |u| {
            let status = input
                .parameters
                .group
                .into_iter()
                .map(|g| {
                    let value = if u.groups.contains_key(&g.name) { "failed" } else { "succeeded" };
                    u.groups.entry(g.name.clone()).or_insert_with(|| g.index.clone().unwrap_or_else(|| "1".into()));
                    GroupStatusType { name: g.name, index: g.index, value: value.into() }
                })
                .collect();
            AddGroupOutput { parameters: AddGroupResp { status } }
        })
    }

    async fn modify_group(&self, _: &RequestContext, input: ModifyGroupInput) -> Result<ModifyGroupOutput, Fault> {
        self.with_user(&input.session_key, |_| ModifyGroupOutput { parameters: ModifyGroupResp { status: Vec::new() } })
    }

    async fn delete_group(&self, _: &RequestContext, input: DeleteGroupInput) -> Result<DeleteGroupOutput, Fault> {
        self.with_user(&input.session_key, |u| {
            let status = input
                .parameters
                .group
                .into_iter()
                .map(|g| {
                    let value = if u.groups.remove(&g.name).is_some() { "succeeded" } else { "failed" };
                    NameStatusType { name: g.name, value: value.into() }
                })
                .collect();
            DeleteGroupOutput { parameters: DeleteGroupResp { status } }
        })
    }

    async fn add_contact(&self, _: &RequestContext, input: AddContactInput) -> Result<AddContactOutput, Fault> {
        self.with_user(&input.session_key, |_| AddContactOutput { parameters: AddContactResp { status: Vec::new() } })
    }

    async fn modify_contact(&self, _: &RequestContext, input: ModifyContactInput) -> Result<ModifyContactOutput, Fault> {
        self.with_user(&input.session_key, |_| ModifyContactOutput { parameters: ModifyContactResp { status: Vec::new() } })
    }

    async fn delete_contact(&self, _: &RequestContext, input: DeleteContactInput) -> Result<DeleteContactOutput, Fault> {
        self.with_user(&input.session_key, |_| DeleteContactOutput { parameters: DeleteContactResp { status: Vec::new() } })
    }

    async fn get_presence_rules(&self, _: &RequestContext, input: GetPresenceRulesInput) -> Result<GetPresenceRulesOutput, Fault> {
        self.with_user(&input.session_key, |_| GetPresenceRulesOutput { parameters: GetPresenceRulesResp::PresenceRule(Vec::new()) })
    }

    async fn set_presence_rules(&self, _: &RequestContext, input: SetPresenceRulesInput) -> Result<SetPresenceRulesOutput, Fault> {
        let names: Vec<String> = input.parameters.presence_rule.iter().map(|r| r.name.clone()).collect();
        self.with_user(&input.session_key, |_| SetPresenceRulesOutput {
            parameters: SetPresenceRulesResp {
                status: names.into_iter().map(|name| NameStatusType { name, value: "succeeded".into() }).collect(),
            },
        })
    }

    async fn delete_presence_rules(&self, _: &RequestContext, input: DeletePresenceRulesInput) -> Result<DeletePresenceRulesOutput, Fault> {
        let names: Vec<String> = input.parameters.rule.iter().map(|r| r.name.clone()).collect();
        self.with_user(&input.session_key, |_| DeletePresenceRulesOutput {
            parameters: DeletePresenceRulesResp {
                status: names.into_iter().map(|name| NameStatusType { name, value: "Invalid Policy name".into() }).collect(),
            },
        })
    }

    async fn get_dialing_rules(&self, _: &RequestContext, input: GetDialingRulesInput) -> Result<GetDialingRulesOutput, Fault> {
        self.with_user(&input.session_key, |_| GetDialingRulesOutput { parameters: GetDialingRulesResp { rule: Vec::new() } })
    }

    async fn add_recent_comm(&self, _: &RequestContext, input: AddRecentCommInput) -> Result<AddRecentCommOutput, Fault> {
        let record = input.parameters;
        self.with_user(&input.session_key, |u| {
            let timestamp = record.timestamp.clone();
            u.recent.push(record);
            AddRecentCommOutput { parameters: AddRecentCommResp { record: AddRecentCommRespRecord { timestamp, status_code: "0".into() } } }
        })
    }

    async fn get_recent_comm(&self, _: &RequestContext, input: GetRecentCommInput) -> Result<GetRecentCommOutput, Fault> {
        self.with_user(&input.session_key, |u| GetRecentCommOutput {
            parameters: GetRecentCommResp { record: u.recent.iter().rev().cloned().collect() },
        })
    }

    async fn get_licensing_features(
        &self,
        _: &RequestContext,
        input: GetLicensingFeaturesInput,
    ) -> Result<GetLicensingFeaturesOutput, Fault> {
        self.with_user(&input.session_key, |_| GetLicensingFeaturesOutput {
            parameters: GetLicensingFeaturesResp { base: true, im: true, audio: false, video: false },
        })
    }

    async fn publish_pres_status(&self, _: &RequestContext, input: PublishPresStatusInput) -> Result<PublishPresStatusOutput, Fault> {
        let doc = format!("{:?}", input.parameters.content);
        self.with_user(&input.session_key, |u| {
            u.presence = Some(doc);
            PublishPresStatusOutput { parameters: ok() }
        })
    }

    async fn unpublish_pres_status(&self, _: &RequestContext, input: UnpublishPresStatusInput) -> Result<UnpublishPresStatusOutput, Fault> {
        self.with_user(&input.session_key, |u| {
            u.presence = None;
            UnpublishPresStatusOutput { parameters: ok() }
        })
    }

    async fn get_acl(&self, _: &RequestContext, input: GetAclInput) -> Result<GetAclOutput, Fault> {
        self.with_user(&input.session_key, |_| GetAclOutput { parameters: GetAclResp { rule: Vec::new() } })
    }

    async fn add_acl(&self, _: &RequestContext, input: AddAclInput) -> Result<AddAclOutput, Fault> {
        self.with_user(&input.session_key, |_| AddAclOutput { parameters: AddAclResp { rule: Vec::new() } })
    }

    async fn delete_acl(&self, _: &RequestContext, input: DeleteAclInput) -> Result<DeleteAclOutput, Fault> {
        self.with_user(&input.session_key, |_| DeleteAclOutput { parameters: DeleteAclResp { rule: Vec::new() } })
    }

    async fn get_calendaring(&self, _: &RequestContext, input: GetCalendaringInput) -> Result<GetCalendaringOutput, Fault> {
        self.with_user(&input.session_key, |u| GetCalendaringOutput { parameters: u.calendaring })
    }

    async fn set_calendaring(&self, _: &RequestContext, input: SetCalendaringInput) -> Result<SetCalendaringOutput, Fault> {
        self.with_user(&input.session_key, |u| {
            u.calendaring = input.parameters;
            SetCalendaringOutput { parameters: "succeeded".into() }
        })
    }
}
