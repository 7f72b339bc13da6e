//! Docker networks: the predefined `bridge`, `host` and `none`, user networks and compose's
//! `<project>_default`.
//!
//! Every Docker host starts with three networks. Containers join `bridge` (docker0, 172.17.0.0/16) by
//! default and get the lowest free address when they start (addresses are released on stop, so a new
//! container may get a stopped one's old address); user-defined and compose networks get their own /16
//! subnets (172.18.0.0/16, 172.19.0.0/16, ...) and let containers reach each other by name.

use serde::Serialize;

use super::sha256::Digest;

/// A network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Network {
    /// 64-hex id.
    pub(super) id: Digest,
    /// Name.
    pub(crate) name: String,
    /// `bridge`, `host` or `null`.
    pub(super) driver: String,
    /// Second octet of its 172.x.0.0/16 subnet (0 for host/none).
    pub(super) subnet_octet: u8,
    /// The compose project that owns it, if any.
    pub(super) compose_project: Option<String>,
}

impl Network {
    /// Whether Docker created it and refuses to remove it.
    pub(super) fn predefined(&self) -> bool {
        matches!(self.name.as_str(), "bridge" | "host" | "none")
    }

    /// Whether containers on it get an address.
    pub(super) fn assigns_addresses(&self) -> bool {
        self.driver == "bridge"
    }

    /// Its subnet in CIDR form (empty for host and none).
    pub(super) fn subnet(&self) -> String {
        if self.assigns_addresses() {
            format!("172.{}.0.0/16", self.subnet_octet)
        } else {
            String::new()
        }
    }

    /// Its gateway address (the bridge interface on the host).
    pub(super) fn gateway(&self) -> String {
        if self.assigns_addresses() {
            format!("172.{}.0.1", self.subnet_octet)
        } else {
            String::new()
        }
    }

    /// The lowest address not in `in_use` (.1 is the gateway, so hosts start at .2).
    pub(super) fn free_address(&self, in_use: &[&str]) -> String {
        if !self.assigns_addresses() {
            return String::new();
        }
        (2u32..65_534)
            .map(|host| format!("172.{}.{}.{}", self.subnet_octet, host / 256, host % 256))
            .find(|candidate| !in_use.contains(&candidate.as_str()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bridge_addresses_start_after_the_gateway_and_reuse_released_ones() {
        let bridge = Network {
            id: Digest::of(b"bridge"),
            name: "bridge".into(),
            driver: "bridge".into(),
            subnet_octet: 17,
            compose_project: None,
        };
        assert_eq!(bridge.gateway(), "172.17.0.1");
        assert_eq!(bridge.free_address(&[]), "172.17.0.2");
        assert_eq!(bridge.free_address(&["172.17.0.2"]), "172.17.0.3");
        assert_eq!(bridge.free_address(&["172.17.0.3"]), "172.17.0.2");
        assert_eq!(bridge.subnet(), "172.17.0.0/16");
        assert!(bridge.predefined());
    }
}
