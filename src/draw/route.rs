//! Arrows between boxes drawn side by side (hosts holding VMs) that cross no other box.
//!
//! A straight arrow from a VM on host A to a slot on host C runs across host B's VMs and hides
//! their names. The route here leaves the VM sideways into the gutter beside its host, runs along
//! a row every host keeps free (the hosts are drawn with one empty slot below their VMs), and
//! climbs the gutter beside the target host to the landing slot: every segment lies in a gutter
//! or in that free row.

use egui::{Painter, Pos2, Rect, Stroke};

/// Where a move starts and ends, and the boxes it runs between.
#[derive(Clone, Copy, Debug)]
pub struct HostMove {
    /// The moving VM's box.
    pub from: Rect,
    /// The host drawn around `from`.
    pub from_host: Rect,
    /// The free slot the VM lands in.
    pub landing: Rect,
    /// The host drawn around `landing`.
    pub to_host: Rect,
    /// The space between two hosts drawn side by side.
    pub gap: f32,
    /// The height (screen y) of a row no host has a VM in.
    pub lane_y: f32,
}

impl HostMove {
    /// The route's corners, from the VM's side to the landing slot's side: out into the gutter
    /// beside the source host, along the free row, up or down the gutter beside the target. Hosts
    /// side by side share one gutter, and the route then keeps out of the free row.
    pub fn route(&self) -> Vec<Pos2> {
        let half_gap = self.gap / 2.0;
        let (start, end, gutter_from, gutter_to) =
            if self.to_host.center().x >= self.from_host.center().x {
                (
                    self.from.right_center(),
                    self.landing.left_center(),
                    self.from_host.max.x + half_gap,
                    self.to_host.min.x - half_gap,
                )
            } else {
                (
                    self.from.left_center(),
                    self.landing.right_center(),
                    self.from_host.min.x - half_gap,
                    self.to_host.max.x + half_gap,
                )
            };
        let mut route = vec![start, Pos2::new(gutter_from, start.y)];
        if (gutter_from - gutter_to).abs() >= 1.0 {
            route.push(Pos2::new(gutter_from, self.lane_y));
            route.push(Pos2::new(gutter_to, self.lane_y));
        }
        route.push(Pos2::new(gutter_to, end.y));
        route.push(end);
        route
    }

    /// The route drawn as a line with an arrow head at the landing slot.
    pub fn arrow(&self, painter: &Painter, stroke: Stroke) {
        let route = self.route();
        if let [body @ .., last_corner, end] = route.as_slice() {
            painter.add(egui::Shape::line(
                body.iter().chain([last_corner]).copied().collect(),
                stroke,
            ));
            super::arrow(painter, *last_corner, *end, stroke);
        }
    }
}

#[cfg(test)]
mod tests {
    use egui::Vec2;

    use super::*;

    fn host(index: f32) -> Rect {
        Rect::from_min_size(Pos2::new(index * 110.0, 0.0), Vec2::new(100.0, 300.0))
    }

    fn slot(host: Rect, row: f32) -> Rect {
        Rect::from_min_size(
            host.min + Vec2::new(8.0, 40.0 + row * 50.0),
            Vec2::new(84.0, 44.0),
        )
    }

    /// Every segment is horizontal or vertical, and none enters a box in rows 0..3 of any host
    /// other than at the route's two ends.
    fn assert_clear(route: &[Pos2], hosts: &[Rect]) {
        for pair in route.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            assert!(a.x == b.x || a.y == b.y, "{a:?} -> {b:?} is slanted");
        }
        let inner = &route[1..route.len() - 1];
        for &host in hosts {
            for row in 0..3 {
                let vm = slot(host, row as f32).shrink(1.0);
                for pair in inner.windows(2) {
                    let segment = Rect::from_two_pos(pair[0], pair[1]);
                    assert!(!segment.intersects(vm), "{segment:?} crosses {vm:?}");
                }
            }
        }
    }

    #[test]
    fn a_move_past_a_host_runs_along_the_free_row_and_crosses_no_vm() {
        let hosts = [host(0.0), host(1.0), host(2.0)];
        let lane_y = slot(hosts[0], 3.0).center().y;
        for (from, to) in [(0, 2), (2, 0)] {
            let step = HostMove {
                from: slot(hosts[from], 0.0),
                from_host: hosts[from],
                landing: slot(hosts[to], 2.0),
                to_host: hosts[to],
                gap: 10.0,
                lane_y,
            };
            let route = step.route();
            assert_eq!(route.len(), 6);
            assert!(route.iter().any(|p| p.y == lane_y));
            assert_eq!(
                route[0],
                if from < to {
                    step.from.right_center()
                } else {
                    step.from.left_center()
                }
            );
            assert_eq!(
                *route.last().unwrap(),
                if from < to {
                    step.landing.left_center()
                } else {
                    step.landing.right_center()
                }
            );
            assert_clear(&route, &hosts);
        }
    }

    #[test]
    fn a_move_to_the_next_host_stays_in_the_shared_gutter() {
        let hosts = [host(0.0), host(1.0)];
        let step = HostMove {
            from: slot(hosts[0], 2.0),
            from_host: hosts[0],
            landing: slot(hosts[1], 1.0),
            to_host: hosts[1],
            gap: 10.0,
            lane_y: slot(hosts[0], 3.0).center().y,
        };
        let route = step.route();
        assert_eq!(route.len(), 4, "{route:?}");
        assert!(route[1..3].iter().all(|p| p.x == 105.0));
        assert_clear(&route, &hosts);
    }
}
