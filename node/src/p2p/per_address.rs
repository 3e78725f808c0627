//! A bound on the connections one remote address may hold before their handshake completes.
//! Whoever opens a connection holds one of the node's 32 pending slots until the Noise
//! handshake ends (or times out); before the handshake nobody is known to be a member, so one
//! host could take every slot and keep the partners out. With this behaviour one IP address
//! holds at most a configured number of them (default [`MAX_PENDING_PER_ADDRESS`]; loopback
//! is not bounded).

use libp2p::PeerId;
use libp2p::core::transport::PortUse;
use libp2p::core::{Endpoint, Multiaddr, multiaddr::Protocol};
use libp2p::swarm::{
    ConnectionDenied, ConnectionId, FromSwarm, ListenFailure, NetworkBehaviour, THandler,
    THandlerInEvent, THandlerOutEvent, ToSwarm, dummy,
};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::IpAddr;
use std::task::{Context, Poll};

/// Default for the most connections one IP address may have in the handshake at once.
pub const MAX_PENDING_PER_ADDRESS: usize = 4;

/// The behaviour (see the module documentation).
#[derive(Debug)]
pub struct Behaviour {
    /// Most connections of one address in the handshake.
    limit: usize,
    pending: HashMap<ConnectionId, IpAddr>,
    per_address: HashMap<IpAddr, usize>,
}

impl Behaviour {
    /// Lets each IP address have at most `limit` connections in the handshake.
    pub fn new(limit: usize) -> Behaviour {
        Behaviour {
            limit,
            pending: HashMap::new(),
            per_address: HashMap::new(),
        }
    }
}

impl Default for Behaviour {
    fn default() -> Self {
        Behaviour::new(MAX_PENDING_PER_ADDRESS)
    }
}

/// The IP address of a multiaddr, if it has one.
fn ip_of(addr: &Multiaddr) -> Option<IpAddr> {
    addr.iter().find_map(|p| match p {
        Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
        Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
        _ => None,
    })
}

impl Behaviour {
    fn release(&mut self, connection: ConnectionId) {
        if let Some(ip) = self.pending.remove(&connection)
            && let Some(n) = self.per_address.get_mut(&ip)
        {
            *n -= 1;
            if *n == 0 {
                self.per_address.remove(&ip);
            }
        }
    }
}

/// Why a connection was refused before its handshake.
#[derive(Debug, thiserror::Error)]
#[error("{ip} already has {limit} connections in the handshake")]
pub struct TooManyPending {
    ip: IpAddr,
    limit: usize,
}

impl NetworkBehaviour for Behaviour {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = Infallible;

    fn handle_pending_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        _local: &Multiaddr,
        remote: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        // Loopback is this host: nodes started side by side (tests, the demo) dial each other
        // from it at once, and a local account has easier ways to disturb the node.
        let Some(ip) = ip_of(remote).filter(|ip| !ip.is_loopback()) else {
            return Ok(());
        };
        let n = self.per_address.entry(ip).or_default();
        if *n >= self.limit {
            return Err(ConnectionDenied::new(TooManyPending {
                ip,
                limit: self.limit,
            }));
        }
        *n += 1;
        self.pending.insert(connection_id, ip);
        Ok(())
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        _peer: PeerId,
        _local: &Multiaddr,
        _remote: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.release(connection_id);
        Ok(dummy::ConnectionHandler)
    }

    fn handle_established_outbound_connection(
        &mut self,
        _connection_id: ConnectionId,
        _peer: PeerId,
        _addr: &Multiaddr,
        _role_override: Endpoint,
        _port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        // A handshake that failed, or a connection another behaviour refused once established.
        if let FromSwarm::ListenFailure(ListenFailure { connection_id, .. }) = event {
            self.release(connection_id);
        }
    }

    fn on_connection_handler_event(
        &mut self,
        _peer: PeerId,
        _connection: ConnectionId,
        event: THandlerOutEvent<Self>,
    ) {
        match event {}
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_holds_at_most_four_handshakes_and_frees_them_as_they_end() {
        let mut b = Behaviour::default();
        let local: Multiaddr = "/ip4/10.0.0.1/tcp/7301".parse().unwrap();
        let attacker: Multiaddr = "/ip4/203.0.113.9/tcp/40000".parse().unwrap();
        let partner: Multiaddr = "/ip4/198.51.100.7/tcp/40001".parse().unwrap();
        let id = ConnectionId::new_unchecked;
        for n in 0..MAX_PENDING_PER_ADDRESS {
            assert!(
                b.handle_pending_inbound_connection(id(n), &local, &attacker)
                    .is_ok()
            );
        }
        assert!(
            b.handle_pending_inbound_connection(id(100), &local, &attacker)
                .is_err()
        );
        assert!(
            b.handle_pending_inbound_connection(id(101), &local, &partner)
                .is_ok(),
            "another address still gets in"
        );
        // One handshake completes: a slot for that address again.
        let peer = PeerId::random();
        assert!(
            b.handle_established_inbound_connection(id(0), peer, &local, &attacker)
                .is_ok()
        );
        assert!(
            b.handle_pending_inbound_connection(id(102), &local, &attacker)
                .is_ok()
        );
        assert!(
            b.handle_pending_inbound_connection(id(103), &local, &attacker)
                .is_err()
        );
        assert_eq!(
            b.per_address.values().sum::<usize>(),
            MAX_PENDING_PER_ADDRESS + 1
        );
        let here: Multiaddr = "/ip4/127.0.0.1/tcp/40002".parse().unwrap();
        for n in 200..210 {
            assert!(
                b.handle_pending_inbound_connection(id(n), &local, &here)
                    .is_ok()
            );
        }
    }
}
