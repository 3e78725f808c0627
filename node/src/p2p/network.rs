//! The libp2p transport: TCP and QUIC with Noise and yamux, identify, ping, and `/sicc/sync/1`
//! as request/response of framed [`Message`]s. Only roster members get in: the allow list closes
//! any other peer's connection right after the Noise handshake, before any application protocol.
//!
//! One task (the event loop) owns the `Swarm`; everybody else holds a [`NetworkHandle`] and
//! reads [`NetworkEvent`]s. The loop translates; it makes no sync decisions.

use super::boots::Identified;
use super::identity::NodeIdentity;
use futures::{AsyncReadExt, AsyncWriteExt, StreamExt};
use libp2p::swarm::{ConnectionId, NetworkBehaviour, SwarmEvent};
use libp2p::{
    Multiaddr, PeerId, StreamProtocol, Swarm, allow_block_list, connection_limits, identify, noise,
    ping, request_response, tcp, yamux,
};
use sicc_protocol::identity::NodeId;
use sicc_protocol::wire::{ErrorCode, FrameError, MAX_FRAME_BYTES, Message, PROTOCOL};
use std::collections::HashMap;
use std::io;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

/// Capacity of the command queue into the event loop.
const COMMAND_QUEUE: usize = 64;
/// Capacity of the event queue out of the event loop.
const EVENT_QUEUE: usize = 256;
/// Most outstanding requests of this node.
const MAX_PENDING_REQUESTS: usize = 256;
/// How long a request may wait for its response.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Most bytes of one member's requests handed to the engine and not answered yet (each a decoded
/// frame of up to 8 MiB: without a bound, one member could queue GiBs in front of the engine).
/// A request that would pass it is answered at once with `unavailable` (retry later); one
/// request is always let through. Honest sessions send small summaries and changes of at most
/// 4 MiB, one at a time per catalogue.
pub const MAX_IN_FLIGHT_BYTES_PER_PEER: usize = 32 << 20;
/// Default longest wait between two dials of a member that stays unreachable.
pub const MAX_REDIAL_DELAY: Duration = Duration::from_secs(60);
/// Connections with no stream open for this long are closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// A member of the federation, from the roster.
#[derive(Debug, Clone)]
pub struct Member {
    /// Its node id.
    pub node_id: NodeId,
    /// Where to dial it (multiaddrs); empty if it dials us.
    pub addrs: Vec<String>,
}

/// How the network runs.
#[derive(Debug, Clone)]
pub struct NetworkConfig {
    /// Multiaddrs to listen on, e.g. `/ip4/0.0.0.0/tcp/7301`, `/ip4/0.0.0.0/udp/7301/quic-v1`.
    pub listen: Vec<String>,
    /// The federation roster (this node excluded).
    pub members: Vec<Member>,
    /// First delay before a disconnected member with addresses is dialled again; it doubles
    /// after every failed attempt, up to `redial_max`.
    pub redial_every: Duration,
    /// Longest wait between two dials (default [`MAX_REDIAL_DELAY`]).
    pub redial_max: Duration,
    /// Caps on one member's requests and one address's handshakes.
    pub limits: NetworkLimits,
}

/// Caps on what one member, or one address before the handshake, can make the network hold
/// (`[limits]` in the configuration).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkLimits {
    /// Most bytes of one member's decoded requests waiting for an answer; past it a request
    /// is answered `unavailable` (one request is always let through).
    pub in_flight_bytes_per_peer: usize,
    /// Most connections one IP address may have in the handshake at once.
    pub handshakes_per_address: usize,
}

impl Default for NetworkLimits {
    fn default() -> Self {
        NetworkLimits {
            in_flight_bytes_per_peer: MAX_IN_FLIGHT_BYTES_PER_PEER,
            handshakes_per_address: super::per_address::MAX_PENDING_PER_ADDRESS,
        }
    }
}

/// What can go wrong in the network layer.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("invalid multiaddr `{0}`")]
    BadAddress(String),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("transport setup failed: {0}")]
    Setup(String),
    #[error("{0} is not a member of the federation")]
    NotMember(String),
    #[error("request to {peer} failed: {reason}")]
    Request { peer: String, reason: String },
    #[error("too many outstanding requests")]
    Busy,
    #[error("the network has stopped")]
    Stopped,
}

/// Where the answer to an inbound request goes (opaque outside `p2p`).
#[derive(Debug)]
pub struct ResponseSlot(request_response::ResponseChannel<Message>);

/// What the network reports.
#[derive(Debug)]
pub enum NetworkEvent {
    /// A member connected.
    PeerUp(NodeId),
    /// A member's last connection closed.
    PeerDown(NodeId),
    /// A member sent a sync message; answer with [`NetworkHandle::respond`].
    Request {
        peer: NodeId,
        message: Message,
        slot: ResponseSlot,
    },
    /// A connection from a non-member was closed after its handshake.
    Refused,
}

enum Command {
    Request {
        peer: NodeId,
        message: Message,
        reply: oneshot::Sender<Result<Message, NetworkError>>,
    },
    Respond {
        slot: ResponseSlot,
        message: Message,
    },
    ListenAddrs {
        reply: oneshot::Sender<Vec<String>>,
    },
    Connected {
        reply: oneshot::Sender<Vec<NodeId>>,
    },
    Shutdown,
}

/// Cheap, cloneable handle to the network's event loop.
#[derive(Debug, Clone)]
pub struct NetworkHandle {
    commands: mpsc::Sender<Command>,
}

impl NetworkHandle {
    /// Stops the event loop (closing every connection), even while requests are outstanding.
    pub async fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown).await;
    }

    /// Sends a sync message to a member and waits for its answer.
    pub async fn request(&self, peer: NodeId, message: Message) -> Result<Message, NetworkError> {
        let (reply, rx) = oneshot::channel();
        self.commands
            .send(Command::Request {
                peer,
                message,
                reply,
            })
            .await
            .map_err(|_| NetworkError::Stopped)?;
        rx.await.map_err(|_| NetworkError::Stopped)?
    }

    /// Answers an inbound request.
    pub async fn respond(&self, slot: ResponseSlot, message: Message) -> Result<(), NetworkError> {
        self.commands
            .send(Command::Respond { slot, message })
            .await
            .map_err(|_| NetworkError::Stopped)
    }

    /// The addresses the node listens on (with the actual ports).
    pub async fn listen_addrs(&self) -> Result<Vec<String>, NetworkError> {
        let (reply, rx) = oneshot::channel();
        self.commands
            .send(Command::ListenAddrs { reply })
            .await
            .map_err(|_| NetworkError::Stopped)?;
        rx.await.map_err(|_| NetworkError::Stopped)
    }

    /// The members currently connected.
    pub async fn connected(&self) -> Result<Vec<NodeId>, NetworkError> {
        let (reply, rx) = oneshot::channel();
        self.commands
            .send(Command::Connected { reply })
            .await
            .map_err(|_| NetworkError::Stopped)?;
        rx.await.map_err(|_| NetworkError::Stopped)
    }
}

/// Whether `addr` is a libp2p multiaddr (for configuration checks outside this module).
pub fn is_multiaddr(addr: &str) -> bool {
    addr.parse::<Multiaddr>().is_ok()
}

/// Frames `/sicc/sync/1` messages: u32 BE length, then JSON (SPEC.md §6). Counts the bytes
/// of every frame it reads and writes (`sicc_sync_frame_bytes_total`).
#[derive(Debug, Clone, Default)]
pub struct SyncCodec {
    sent_bytes: prometheus_client::metrics::counter::Counter,
    received_bytes: prometheus_client::metrics::counter::Counter,
}

async fn read_frame<T: futures::AsyncRead + Unpin + Send>(
    io: &mut T,
    received: &prometheus_client::metrics::counter::Counter,
) -> io::Result<Result<Message, FrameError>> {
    let mut len = [0u8; 4];
    io.read_exact(&mut len).await?;
    let n = u32::from_be_bytes(len) as usize;
    if n > MAX_FRAME_BYTES {
        // Refuse before allocating.
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {n} bytes exceeds the limit"),
        ));
    }
    let mut frame = vec![0u8; 4 + n];
    frame[..4].copy_from_slice(&len);
    io.read_exact(&mut frame[4..]).await?;
    received.inc_by(frame.len() as u64);
    Ok(Message::decode(&frame).map(|(m, _)| m))
}

async fn write_frame<T: futures::AsyncWrite + Unpin + Send>(
    io: &mut T,
    m: Message,
    sent: &prometheus_client::metrics::counter::Counter,
) -> io::Result<()> {
    let frame = m.encode();
    io.write_all(&frame).await?;
    sent.inc_by(frame.len() as u64);
    io.close().await
}

impl request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = Message;
    type Response = Message;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Message>
    where
        T: futures::AsyncRead + Unpin + Send,
    {
        // A request that arrived whole but does not decode still gets an answer naming the
        // problem (SPEC.md §6.2): it reaches the engine as an `error` "request", which no peer
        // sends otherwise, and the engine answers with the same code.
        Ok(read_frame(io, &self.received_bytes)
            .await?
            .unwrap_or_else(|e| {
                let code = e.answer_code().unwrap_or(ErrorCode::Malformed);
                Message::error(code, e.to_string())
            }))
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Message>
    where
        T: futures::AsyncRead + Unpin + Send,
    {
        read_frame(io, &self.received_bytes)
            .await?
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Message,
    ) -> io::Result<()>
    where
        T: futures::AsyncWrite + Unpin + Send,
    {
        write_frame(io, req, &self.sent_bytes).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Message,
    ) -> io::Result<()>
    where
        T: futures::AsyncWrite + Unpin + Send,
    {
        write_frame(io, res, &self.sent_bytes).await
    }
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    members: allow_block_list::Behaviour<allow_block_list::AllowedPeers>,
    /// Before `limits`: one address cannot take all of its pending slots.
    per_address: super::per_address::Behaviour,
    limits: connection_limits::Behaviour,
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    sync: request_response::Behaviour<SyncCodec>,
}

fn peer_id(node: &NodeId) -> PeerId {
    PeerId::from_bytes(&node.to_bytes()).expect("a NodeId is a valid Ed25519 PeerId")
}

fn node_id(peer: &PeerId) -> Option<NodeId> {
    peer.to_base58().parse().ok()
}

/// Starts the event loop. Returns the handle, the event stream and the loop's task.
pub fn spawn(
    identity: &NodeIdentity,
    config: NetworkConfig,
    registry: &mut prometheus_client::registry::Registry,
) -> Result<
    (
        NetworkHandle,
        mpsc::Receiver<NetworkEvent>,
        tokio::task::JoinHandle<()>,
    ),
    NetworkError,
> {
    let limits = connection_limits::ConnectionLimits::default()
        .with_max_pending_incoming(Some(32))
        .with_max_pending_outgoing(Some(32))
        .with_max_established_incoming(Some(64))
        .with_max_established_outgoing(Some(64))
        // Four, not two: a partner restarted after a crash connects while this node still
        // holds its dead connections (QUIC gets no close from a killed process); once the new
        // connection identifies another process, the dead ones are closed (`p2p/boots.rs`).
        .with_max_established_per_peer(Some(4));
    let frame_bytes = prometheus_client::metrics::family::Family::<
        Vec<(String, String)>,
        prometheus_client::metrics::counter::Counter,
    >::default();
    registry.register(
        "sync_frame_bytes",
        "Bytes of /sicc/sync/1 frames, by direction",
        frame_bytes.clone(),
    );
    let direction = |d: &str| {
        frame_bytes
            .get_or_create(&vec![("direction".into(), d.into())])
            .clone()
    };
    let refused_requests = prometheus_client::metrics::counter::Counter::default();
    registry.register(
        "p2p_requests_refused",
        "Members' requests answered unavailable: too many of their bytes were in flight",
        refused_requests.clone(),
    );
    let codec = SyncCodec {
        sent_bytes: direction("sent"),
        received_bytes: direction("received"),
    };
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(identity.keypair())
        .with_tokio()
        .with_tcp(
            tcp::Config::default().nodelay(true),
            noise::Config::new,
            yamux::Config::default,
        )
        .map_err(|e| NetworkError::Setup(e.to_string()))?
        .with_quic()
        // Roster addresses may name hosts (`/dns4/sicc.example.es/tcp/7301`).
        .with_dns()
        .map_err(|e| NetworkError::Setup(e.to_string()))?
        .with_bandwidth_metrics(registry)
        .with_behaviour(|key| Behaviour {
            members: allow_block_list::Behaviour::default(),
            per_address: super::per_address::Behaviour::new(config.limits.handshakes_per_address),
            limits: connection_limits::Behaviour::new(limits),
            // Addresses come from the roster only: peers neither learn ours nor feed theirs
            // into dialling (a self-reported address could bypass what the operator set up).
            identify: identify::Behaviour::new(
                identify::Config::new("/sicc/id/1".into(), key.public())
                    .with_agent_version(agent_version())
                    .with_cache_size(0)
                    .with_hide_listen_addrs(true),
            ),
            ping: ping::Behaviour::default(),
            sync: request_response::Behaviour::with_codec(
                codec,
                [(
                    StreamProtocol::new(PROTOCOL),
                    request_response::ProtocolSupport::Full,
                )],
                request_response::Config::default()
                    .with_request_timeout(REQUEST_TIMEOUT)
                    .with_max_concurrent_streams(64),
            ),
        })
        .map_err(|e| NetworkError::Setup(e.to_string()))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE_TIMEOUT))
        .build();

    let mut dialable = HashMap::new();
    for member in &config.members {
        let peer = peer_id(&member.node_id);
        swarm.behaviour_mut().members.allow_peer(peer);
        let mut addrs = Vec::new();
        for addr in &member.addrs {
            addrs.push(
                addr.parse::<Multiaddr>()
                    .map_err(|_| NetworkError::BadAddress(addr.clone()))?,
            );
        }
        if !addrs.is_empty() {
            dialable.insert(peer, addrs);
        }
    }
    for addr in &config.listen {
        let ma: Multiaddr = addr
            .parse()
            .map_err(|_| NetworkError::BadAddress(addr.clone()))?;
        swarm.listen_on(ma).map_err(|e| NetworkError::Listen {
            addr: addr.clone(),
            reason: e.to_string(),
        })?;
    }
    let (commands_tx, commands) = mpsc::channel(COMMAND_QUEUE);
    let (events_tx, events) = mpsc::channel(EVENT_QUEUE);
    let event_loop = EventLoop {
        swarm,
        commands,
        events: events_tx,
        pending: HashMap::new(),
        presence: Default::default(),
        boots: Default::default(),
        dialable,
        redial: super::redial::Redial::new(config.redial_every, config.redial_max),
        listen: Vec::new(),
        metrics: libp2p::metrics::Metrics::new(registry),
        in_flight: HashMap::new(),
        in_flight_limit: config.limits.in_flight_bytes_per_peer,
        refused_requests,
    };
    // The loop logs under the caller's span: every line carries the node id.
    let task = tokio::spawn(tracing::Instrument::instrument(
        event_loop.run(),
        tracing::Span::current(),
    ));
    Ok((
        NetworkHandle {
            commands: commands_tx,
        },
        events,
        task,
    ))
}

/// Bounded: a slow consumer slows the network down instead of growing a queue.
async fn emit(events: &mpsc::Sender<NetworkEvent>, event: NetworkEvent) {
    let _ = events.send(event).await;
}

/// Roughly how much memory a decoded message holds (its changes dominate).
fn decoded_size(m: &Message) -> usize {
    match m {
        Message::Changes { changes, .. } => changes
            .iter()
            .map(|c| c.change.len() + c.signature.len() + c.doc.len() + c.author.len() + 64)
            .sum::<usize>()
            .max(1024),
        Message::Heads { docs, .. } => docs.len() * 256 + 1024,
        _ => 1024,
    }
}

struct EventLoop {
    swarm: Swarm<Behaviour>,
    commands: mpsc::Receiver<Command>,
    events: mpsc::Sender<NetworkEvent>,
    pending: HashMap<
        request_response::OutboundRequestId,
        oneshot::Sender<Result<Message, NetworkError>>,
    >,
    /// Which members the engine counts as up (`p2p/presence.rs`).
    presence: super::presence::Presence<PeerId, ConnectionId>,
    /// Per peer, the process each of its connections identified (the boot tag of its agent
    /// version), to close those to a process that is gone once its successor identifies.
    boots: super::boots::Boots<PeerId, ConnectionId>,
    /// Members with roster addresses, dialled with exactly those every time: libp2p's own
    /// address book forgets an address after one failed dial, which would leave a member
    /// that was down once undialable for good.
    dialable: HashMap<PeerId, Vec<Multiaddr>>,
    /// When to dial each member that is not connected (`p2p/redial.rs`).
    redial: super::redial::Redial<PeerId>,
    listen: Vec<String>,
    /// libp2p's own metrics (connections, dials, identify, ping), in the node's registry.
    metrics: libp2p::metrics::Metrics,
    /// Per member, its requests handed to the engine and not answered yet (libp2p ends each
    /// with `ResponseSent` or `InboundFailure`, so none is left behind).
    in_flight: HashMap<PeerId, HashMap<request_response::InboundRequestId, usize>>,
    /// Most bytes of one member's requests in `in_flight`.
    in_flight_limit: usize,
    /// Requests refused for it.
    refused_requests: prometheus_client::metrics::counter::Counter,
}

impl EventLoop {
    async fn run(mut self) {
        let mut redial = tokio::time::interval(self.redial.tick());
        redial.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                command = self.commands.recv() => match command {
                    // Outstanding requests fail at once (their senders drop) instead of
                    // holding the node up until they time out.
                    Some(Command::Shutdown) | None => break,
                    Some(c) => self.on_command(c),
                },
                event = self.swarm.select_next_some() => self.on_swarm_event(event).await,
                _ = redial.tick() => {
                    self.redial();
                    let swarm = &self.swarm;
                    let now = tokio::time::Instant::now();
                    for peer in self.presence.overdue(now, |p| swarm.is_connected(p)) {
                        self.tell(peer, super::presence::Change::Up).await;
                    }
                }
            }
        }
        debug!("network stopped");
    }

    fn redial(&mut self) {
        let now = tokio::time::Instant::now();
        let missing: Vec<PeerId> = self
            .dialable
            .keys()
            // Connections, not what the engine heard: a restarted member whose dead
            // connections are still closing is connected, and not dialled again.
            .filter(|p| !self.swarm.is_connected(p))
            .copied()
            .collect();
        for peer in self.redial.due(missing, now) {
            let dial = libp2p::swarm::dial_opts::DialOpts::peer_id(peer)
                .addresses(self.dialable[&peer].clone())
                .condition(libp2p::swarm::dial_opts::PeerCondition::DisconnectedAndNotDialing)
                .build();
            if let Err(e) = self.swarm.dial(dial) {
                debug!(peer = %peer, error = %e, "dial failed");
            }
        }
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Request {
                peer,
                message,
                reply,
            } => {
                let pid = peer_id(&peer);
                if !self
                    .swarm
                    .behaviour()
                    .members
                    .allowed_peers()
                    .contains(&pid)
                {
                    let _ = reply.send(Err(NetworkError::NotMember(peer.to_string())));
                } else if self.pending.len() >= MAX_PENDING_REQUESTS {
                    let _ = reply.send(Err(NetworkError::Busy));
                } else {
                    let id = self.swarm.behaviour_mut().sync.send_request(&pid, message);
                    self.pending.insert(id, reply);
                }
            }
            Command::Respond { slot, message } => {
                if self
                    .swarm
                    .behaviour_mut()
                    .sync
                    .send_response(slot.0, message)
                    .is_err()
                {
                    debug!("response dropped: the requester went away");
                }
            }
            Command::ListenAddrs { reply } => {
                let _ = reply.send(self.listen.clone());
            }
            Command::Connected { reply } => {
                let _ = reply.send(self.presence.up().filter_map(node_id).collect());
            }
            Command::Shutdown => {}
        }
    }

    async fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        use libp2p::metrics::Recorder;
        self.metrics.record(&event);
        match &event {
            SwarmEvent::Behaviour(BehaviourEvent::Identify(e)) => self.metrics.record(e),
            SwarmEvent::Behaviour(BehaviourEvent::Ping(e)) => self.metrics.record(e),
            _ => {}
        }
        match event {
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received {
                connection_id,
                peer_id,
                info,
            })) => {
                let tag = boot_of(&info.agent_version);
                let now = tokio::time::Instant::now();
                let dead = match self.boots.identified(peer_id, connection_id, tag, now) {
                    Identified::Known => return,
                    Identified::Replaced => {
                        debug!(peer = %peer_id, "a connection to a replaced process closed");
                        self.swarm.close_connection(connection_id);
                        return;
                    }
                    Identified::Stale(stale) => {
                        debug!(peer = %peer_id, closed = stale.len(), "connections that never identified closed");
                        for id in stale {
                            self.swarm.close_connection(id);
                        }
                        return;
                    }
                    Identified::Restarted(dead) => dead,
                };
                let mut closing = Vec::new();
                for id in dead {
                    if self.swarm.close_connection(id) {
                        closing.push(id);
                    }
                }
                // The peer went down and came back, though its connections never all closed
                // here: the engine hears both, as it would have after the dead ones timed out
                // (it re-sends a pending subscription, offers, starts a session), and the
                // return only once the dead connections are closed.
                if let Some(node) = node_id(&peer_id) {
                    info!(peer = %node.short(), closing = closing.len(), "peer restarted: its previous process's connections are closed");
                }
                let open = usize::from(self.swarm.is_connected(&peer_id));
                for change in self.presence.restarted(peer_id, closing, open, now) {
                    self.tell(peer_id, change).await;
                }
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                info!(%address, "listening");
                self.listen.push(address.to_string());
            }
            SwarmEvent::ConnectionEstablished {
                peer_id,
                connection_id,
                num_established,
                ..
            } => {
                // Reachable again, and so, probably, is everyone still waiting.
                self.redial.connected(peer_id, tokio::time::Instant::now());
                self.boots
                    .opened(peer_id, connection_id, tokio::time::Instant::now());
                if let Some(change) = self
                    .presence
                    .opened(peer_id, num_established.get() as usize)
                {
                    self.tell(peer_id, change).await;
                }
            }
            SwarmEvent::ConnectionClosed {
                peer_id,
                connection_id,
                num_established,
                ..
            } => {
                self.boots
                    .closed(peer_id, connection_id, num_established as usize);
                if num_established == 0 {
                    self.redial
                        .disconnected(peer_id, tokio::time::Instant::now());
                }
                let open = num_established as usize;
                if let Some(change) = self.presence.closed(peer_id, connection_id, open) {
                    self.tell(peer_id, change).await;
                }
            }
            SwarmEvent::IncomingConnectionError { error, .. } => {
                let non_member = matches!(
                    &error,
                    libp2p::swarm::ListenError::Denied { cause }
                        if cause.downcast_ref::<allow_block_list::NotAllowed>().is_some()
                );
                let over_limit = matches!(
                    &error,
                    libp2p::swarm::ListenError::Denied { cause }
                        if cause.downcast_ref::<connection_limits::Exceeded>().is_some()
                );
                if non_member {
                    warn!(error = %error, "connection from a non-member closed after the handshake");
                    emit(&self.events, NetworkEvent::Refused).await;
                } else if over_limit {
                    warn!(error = %error, "incoming connection refused: connection limit reached");
                } else {
                    // Dial races, aborted handshakes, connection limits: routine on a busy link.
                    debug!(error = %error, "incoming connection failed");
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Sync(event)) => self.on_sync_event(event).await,
            other => debug!(event = ?other, "swarm event"),
        }
    }

    /// Tells the engine `peer` is up or down.
    async fn tell(&mut self, peer: PeerId, change: super::presence::Change) {
        let Some(node) = node_id(&peer) else {
            return;
        };
        let event = match change {
            super::presence::Change::Up => NetworkEvent::PeerUp(node),
            super::presence::Change::Down => NetworkEvent::PeerDown(node),
        };
        match change {
            super::presence::Change::Up => info!(peer = %node.short(), "peer up"),
            super::presence::Change::Down => info!(peer = %node.short(), "peer down"),
        }
        emit(&self.events, event).await;
    }

    /// A request of `peer` ended (answered, or failed): it no longer counts as in flight.
    fn answered(&mut self, peer: &PeerId, request: request_response::InboundRequestId) {
        if let Some(held) = self.in_flight.get_mut(peer) {
            held.remove(&request);
            if held.is_empty() {
                self.in_flight.remove(peer);
            }
        }
    }

    async fn on_sync_event(&mut self, event: request_response::Event<Message, Message>) {
        match event {
            request_response::Event::Message { peer, message, .. } => match message {
                request_response::Message::Request {
                    request,
                    channel,
                    request_id,
                } => {
                    let size = decoded_size(&request);
                    let held = self.in_flight.entry(peer).or_default();
                    let holding: usize = held.values().sum();
                    if !held.is_empty() && holding + size > self.in_flight_limit {
                        self.refused_requests.inc();
                        let busy = Message::error(
                            ErrorCode::Unavailable,
                            format!(
                                "{holding} bytes of your requests are being answered; retry later"
                            ),
                        );
                        let _ = self.swarm.behaviour_mut().sync.send_response(channel, busy);
                        debug!(peer = %peer, holding, "request refused: too much in flight");
                        return;
                    }
                    held.insert(request_id, size);
                    // The allow list already closed non-members' connections; check anyway.
                    match node_id(&peer).filter(|_| {
                        self.swarm
                            .behaviour()
                            .members
                            .allowed_peers()
                            .contains(&peer)
                    }) {
                        Some(node) => {
                            let request = NetworkEvent::Request {
                                peer: node,
                                message: request,
                                slot: ResponseSlot(channel),
                            };
                            emit(&self.events, request).await
                        }
                        None => warn!(peer = %peer, "request from a non-member dropped"),
                    }
                }
                request_response::Message::Response {
                    request_id,
                    response,
                } => {
                    if let Some(reply) = self.pending.remove(&request_id) {
                        let _ = reply.send(Ok(response));
                    }
                }
            },
            request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            } => {
                if let Some(reply) = self.pending.remove(&request_id) {
                    let _ = reply.send(Err(NetworkError::Request {
                        peer: peer.to_base58(),
                        reason: error.to_string(),
                    }));
                }
            }
            request_response::Event::InboundFailure {
                peer,
                error,
                request_id,
                ..
            } => {
                self.answered(&peer, request_id);
                debug!(peer = %peer, error = %error, "inbound request failed");
            }
            request_response::Event::ResponseSent {
                peer, request_id, ..
            } => self.answered(&peer, request_id),
        }
    }
}

/// This process's agent version for identify: the release and a tag drawn at start, which
/// tells partners this process from an earlier one with the same identity.
fn agent_version() -> String {
    use std::hash::{BuildHasher, Hasher};
    let tag = std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish();
    format!("sicc/{} boot/{tag:016x}", env!("CARGO_PKG_VERSION"))
}

/// The boot tag in a peer's agent version (`None` from a peer that sends none).
fn boot_of(agent_version: &str) -> Option<String> {
    agent_version
        .split_whitespace()
        .find_map(|part| part.strip_prefix("boot/"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_start_draws_its_own_boot_tag_and_a_peer_without_one_has_none() {
        let tag = |v: &str| boot_of(v);
        assert_eq!(tag(&agent_version()).map(|t| t.len()), Some(16));
        assert_ne!(
            tag(&agent_version()),
            tag(&agent_version()),
            "a tag per start"
        );
        assert_eq!(tag("sicc/0.1.0 boot/aaaa").as_deref(), Some("aaaa"));
        assert_eq!(tag("rust-libp2p/0.48.0"), None);
    }
}
