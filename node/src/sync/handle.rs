//! [`SyncHandle`]: the cheap, cloneable way to ask the sync engine for something. Typed ids in,
//! typed views and outcomes out.

use super::federation::{
    CatalogDetail, CatalogView, Command, Done, EntryView, PeersView, Role, SubscriptionsView,
    SyncError, SyncEvent,
};
use sicc_protocol::catalog::CatalogId;
use sicc_protocol::id::RecordId;
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::SubscriptionStatus;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

type Reply<T> = oneshot::Sender<T>;

/// Longest wait for an owner's answer to a subscription request: past the request timeout
/// (SPEC.md §6.1), which answers every request one way or the other.
const SUBSCRIBE_ANSWER_WAIT: Duration = Duration::from_secs(35);

/// A staff command as a handle sends it (publishing names the record; the engine reads it).
#[derive(Debug)]
pub(super) enum CommandRequest {
    Publish { catalog: CatalogId, id: RecordId },
    Other(Box<Command>),
}

/// What a handle asks the engine; `Debug` names the request in logs.
#[derive(Debug)]
pub(super) enum Request {
    Command {
        command: CommandRequest,
        reply: Reply<Result<Done, SyncError>>,
    },
    Catalogs {
        reply: Reply<Vec<CatalogView>>,
    },
    Catalog {
        id: CatalogId,
        reply: Reply<Result<CatalogDetail, SyncError>>,
    },
    Entry {
        catalog: CatalogId,
        doc: String,
        reply: Reply<Result<EntryView, SyncError>>,
    },
    Subscriptions {
        reply: Reply<SubscriptionsView>,
    },
    Peers {
        reply: Reply<PeersView>,
    },
}

/// Cheap, cloneable handle to the sync engine.
#[derive(Debug, Clone)]
pub struct SyncHandle {
    requests: mpsc::Sender<Request>,
    events: broadcast::Sender<SyncEvent>,
    consumed: watch::Receiver<u64>,
}

impl SyncHandle {
    pub(super) fn new(
        requests: mpsc::Sender<Request>,
        events: broadcast::Sender<SyncEvent>,
        consumed: watch::Receiver<u64>,
    ) -> SyncHandle {
        SyncHandle {
            requests,
            events,
            consumed,
        }
    }

    /// Whether the engine task still runs: it holds the only receiver of requests, so a
    /// stopped (or panicked) engine has closed the queue.
    pub fn is_running(&self) -> bool {
        !self.requests.is_closed()
    }

    async fn ask<T>(&self, make: impl FnOnce(Reply<T>) -> Request) -> Result<T, SyncError> {
        let (reply, rx) = oneshot::channel();
        self.requests
            .send(make(reply))
            .await
            .map_err(|_| SyncError::Stopped)?;
        rx.await.map_err(|_| SyncError::Stopped)
    }

    async fn command(&self, command: CommandRequest) -> Result<Done, SyncError> {
        self.ask(|reply| Request::Command { command, reply })
            .await?
    }

    pub async fn create_catalog(
        &self,
        name: String,
        title: BTreeMap<String, String>,
        description: BTreeMap<String, String>,
    ) -> Result<Done, SyncError> {
        self.command(CommandRequest::Other(Box::new(Command::CreateCatalog {
            name,
            title,
            description,
        })))
        .await
    }

    /// Publishes the local record `id` as it is now.
    pub async fn publish(&self, catalog: CatalogId, id: RecordId) -> Result<Done, SyncError> {
        self.command(CommandRequest::Publish { catalog, id }).await
    }

    pub async fn unpublish(&self, catalog: CatalogId, doc: String) -> Result<Done, SyncError> {
        self.command(CommandRequest::Other(Box::new(Command::Unpublish {
            catalog,
            doc,
        })))
        .await
    }

    pub async fn annotate(
        &self,
        catalog: CatalogId,
        doc: String,
        text: String,
    ) -> Result<Done, SyncError> {
        self.command(CommandRequest::Other(Box::new(Command::Annotate {
            catalog,
            doc,
            text,
        })))
        .await
    }

    /// Grants a role (`Some`) or revokes every role (`None`); also answers a pending request.
    pub async fn access(
        &self,
        catalog: CatalogId,
        node: NodeId,
        grant: Option<Role>,
    ) -> Result<Done, SyncError> {
        self.command(CommandRequest::Other(Box::new(Command::Access {
            catalog,
            node,
            grant,
        })))
        .await
    }

    /// Asks the owner for read access. When the owner is connected, waits for its answer
    /// (its request times out after 30 s, which ends the wait too) and reports the status it
    /// answered; otherwise the request stays `pending` and is sent on the next connection.
    pub async fn subscribe(&self, catalog: CatalogId) -> Result<Done, SyncError> {
        // Listening before the command is sent: the answer cannot slip by.
        let mut events = self.events.subscribe();
        let done = self
            .command(CommandRequest::Other(Box::new(Command::Subscribe {
                catalog: catalog.clone(),
            })))
            .await?;
        let Done::Subscribed {
            status: SubscriptionStatus::Pending,
            owner_connected: Some(true),
            ..
        } = done
        else {
            return Ok(done);
        };
        let answer = async {
            loop {
                match events.recv().await {
                    Ok(SyncEvent::SubscriptionAnswered { catalog: c, status }) if c == catalog => {
                        return status;
                    }
                    Ok(_) => continue,
                    // Events were missed, the answer perhaps among them: the stored state.
                    Err(_) => return None,
                }
            }
        };
        // A bound beyond the request timeout, should the engine stop answering.
        let answered = tokio::time::timeout(SUBSCRIBE_ANSWER_WAIT, answer)
            .await
            .ok()
            .flatten();
        let status = match answered {
            Some(status) => status,
            None => self
                .subscriptions()
                .await?
                .outgoing
                .iter()
                .find(|s| s.catalog == catalog)
                .map_or(SubscriptionStatus::Pending, |s| s.status),
        };
        Ok(Done::Subscribed {
            catalog,
            status,
            owner_connected: Some(true),
        })
    }

    /// Stops holding a catalogue of another node: its entries are removed here.
    pub async fn unsubscribe(&self, catalog: CatalogId) -> Result<Done, SyncError> {
        self.command(CommandRequest::Other(Box::new(Command::Unsubscribe {
            catalog,
        })))
        .await
    }

    pub async fn catalogs(&self) -> Result<Vec<CatalogView>, SyncError> {
        self.ask(|reply| Request::Catalogs { reply }).await
    }

    pub async fn catalog(&self, id: CatalogId) -> Result<CatalogDetail, SyncError> {
        self.ask(|reply| Request::Catalog { id, reply }).await?
    }

    /// One entry's shared document, heads and history.
    pub async fn entry(&self, catalog: CatalogId, doc: String) -> Result<EntryView, SyncError> {
        self.ask(|reply| Request::Entry {
            catalog,
            doc,
            reply,
        })
        .await?
    }

    pub async fn subscriptions(&self) -> Result<SubscriptionsView, SyncError> {
        self.ask(|reply| Request::Subscriptions { reply }).await
    }

    pub async fn peers(&self) -> Result<PeersView, SyncError> {
        self.ask(|reply| Request::Peers { reply }).await
    }

    /// Live events (entries arriving, changing, removed; peers up and down).
    pub fn events(&self) -> broadcast::Receiver<SyncEvent> {
        self.events.subscribe()
    }

    /// Waits until the publications reflect every change of the feed up to `seq` (returns at
    /// once if the engine has stopped: the feed is replayed at the next start).
    pub async fn caught_up(&self, seq: u64) {
        let mut consumed = self.consumed.clone();
        let _ = consumed.wait_for(|c| *c >= seq).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_handle_whose_engine_is_gone_is_not_running_and_says_so() {
        let (requests, engine) = mpsc::channel(1);
        let (events, _) = broadcast::channel(1);
        let (_consumed_tx, consumed) = watch::channel(0);
        let handle = SyncHandle::new(requests, events, consumed);
        assert!(handle.is_running());
        drop(engine);
        assert!(!handle.is_running());
        assert!(matches!(handle.peers().await, Err(SyncError::Stopped)));
    }
}
