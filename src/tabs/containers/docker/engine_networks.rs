//! The daemon's network operations: `docker network create` and `docker network rm`.

use super::engine::Engine;
use super::errors::DaemonError;
use super::events::Event;
use super::names;
use super::network::Network;
use super::sha256::Digest;

impl Engine {
    /// `docker network create NAME` (bridge driver).
    pub(super) fn create_network(
        &mut self,
        name: &str,
        compose_project: Option<&str>,
    ) -> Result<Digest, DaemonError> {
        if self.network(name).is_some() {
            return Err(DaemonError::NetworkExists(name.to_owned()));
        }
        self.counters.networks += 1;
        let id = names::object_id("network", self.seed, self.counters.networks);
        // Predefined networks take counters 1..=3; the first user network gets 172.18.0.0/16.
        let octet = 14 + self.counters.networks.min(240) as u8;
        self.networks.push(Network {
            id,
            name: name.to_owned(),
            driver: "bridge".to_owned(),
            subnet_octet: octet,
            compose_project: compose_project.map(str::to_owned),
        });
        self.emit(Event::NetworkCreated {
            name: name.to_owned(),
        });
        Ok(id)
    }

    /// `docker network rm NAME`.
    pub(super) fn remove_network(&mut self, name: &str) -> Result<(), DaemonError> {
        let network = self
            .networks
            .iter()
            .find(|n| n.name == name || n.id.matches_prefix(name))
            .cloned()
            .ok_or_else(|| DaemonError::NoSuchNetwork(name.to_owned()))?;
        if network.predefined() {
            return Err(DaemonError::PredefinedNetwork(network.name));
        }
        let in_use = self
            .containers
            .iter()
            .any(|c| c.network == network.name && c.state.has_process());
        if in_use {
            return Err(DaemonError::NetworkInUse {
                name: network.name,
                id: network.id.hex(),
            });
        }
        self.networks.retain(|n| n.id != network.id);
        self.emit(Event::NetworkRemoved { name: network.name });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::engine::CreateSpec;
    use super::*;

    #[test]
    fn networks_lifecycle() {
        let mut engine = Engine::new(1);
        engine.pull("alpine").unwrap();
        engine.create_network("mynet", None).unwrap();
        assert!(matches!(
            engine.create_network("mynet", None),
            Err(DaemonError::NetworkExists(_))
        ));
        assert!(matches!(
            engine.remove_network("bridge"),
            Err(DaemonError::PredefinedNetwork(_))
        ));
        let spec = CreateSpec {
            image: "alpine".into(),
            name: Some("xx".into()),
            cmd: vec!["sleep".into(), "60".into()],
            network: Some("mynet".into()),
            ..CreateSpec::default()
        };
        engine.create(&spec).unwrap();
        engine.start("xx").unwrap();
        assert_eq!(engine.containers[0].ip, "172.18.0.2");
        assert!(matches!(
            engine.remove_network("mynet"),
            Err(DaemonError::NetworkInUse { .. })
        ));
        engine.remove("xx", true).unwrap();
        engine.remove_network("mynet").unwrap();
    }
}
