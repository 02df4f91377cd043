//! One submit flow for every form (password login, change password, and the code, captcha and
//! QR steps to come): ignore a second press while a request is under way, check the form
//! ([`Step::Rejected`]), send ([`Step::Submitting`]), then [`Step::Succeeded`] or
//! [`Step::Failed`] — each a reducer action, so every transition is tested natively — and tell
//! the parent.

use crate::state::problem::Problem;
use crate::state::submission::{Step, Submits};
use crate::view::prelude::*;
use sesame_core::ApiError;
use std::future::Future;

/// The form's `onsubmit`: `prepare` builds the request from the state or says why not;
/// `send` sends it; `ondone` and `onerror` hear the outcome.
pub fn submit_flow<S, R, T, Fut>(
    state: UseReducerHandle<S>,
    prepare: impl Fn(&S) -> Result<R, Problem> + 'static,
    send: impl Fn(R) -> Fut + 'static,
    ondone: Callback<T>,
    onerror: Callback<ApiError>,
) -> Callback<SubmitEvent>
where
    S: Reducible + Submits + 'static,
    S::Action: From<Step<T>>,
    T: Clone + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    Callback::from(move |e: SubmitEvent| {
        e.prevent_default();
        if state.submission().submitting {
            return;
        }
        match prepare(&state) {
            Err(problem) => state.dispatch(Step::Rejected(problem).into()),
            Ok(request) => {
                state.dispatch(Step::Submitting.into());
                let (state, ondone, onerror) = (state.clone(), ondone.clone(), onerror.clone());
                let sent = send(request);
                spawn_local(async move {
                    match sent.await {
                        Ok(value) => {
                            state.dispatch(Step::Succeeded(value.clone()).into());
                            ondone.emit(value);
                        }
                        Err(error) => {
                            state.dispatch(Step::Failed(error.clone()).into());
                            onerror.emit(error);
                        }
                    }
                });
            }
        }
    })
}
