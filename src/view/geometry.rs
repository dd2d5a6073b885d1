//! Where things go in the ring diagram: pure functions of the cluster's size and the
//! simulated time, in SVG user units of a square [`VIEW_SIZE`] × [`VIEW_SIZE`] view box.

use super::math;
use std::f64::consts::{PI, TAU};

/// The ring's view box is `0 0 VIEW_SIZE VIEW_SIZE`.
pub const VIEW_SIZE: f64 = 400.0;
/// The centre of the view box.
pub const CENTER: Point = Point { x: VIEW_SIZE / 2.0, y: VIEW_SIZE / 2.0 };

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }
    pub fn distance(self, other: Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }
    /// The point `t` of the way from `self` to `other` (0: self, 1: other).
    pub fn lerp(self, other: Point, t: f64) -> Point {
        Point { x: self.x + (other.x - self.x) * t, y: self.y + (other.y - self.y) * t }
    }
}

/// The radius of the circle the servers sit on. One server sits in the middle.
pub fn ring_radius(count: usize) -> f64 {
    match count {
        0 | 1 => 0.0,
        2 => 110.0,
        _ => 140.0,
    }
}

/// The radius of one server's disc: smaller as the ring fills, so that neighbours never
/// touch (9 servers on a radius of 140 are 96 apart, centre to centre).
pub fn server_radius(count: usize) -> f64 {
    match count {
        0..=5 => 38.0,
        6..=7 => 32.0,
        _ => 28.0,
    }
}

/// The centre of the server at `index` (0-based, in id order) in a ring of `count`
/// servers: the first at the top, the others clockwise.
pub fn server_position(index: usize, count: usize) -> Point {
    if count <= 1 {
        return CENTER;
    }
    let angle = -PI / 2.0 + TAU * index as f64 / count as f64;
    let r = ring_radius(count);
    Point { x: CENTER.x + r * math::cos(angle), y: CENTER.y + r * math::sin(angle) }
}

/// Where the server at `index` is, in whole percent of the ring's width and height (a
/// server's menu opens there).
pub fn server_percent(index: usize, count: usize) -> (u32, u32) {
    let at = server_position(index, count);
    let pct = |v: f64| (v * 100.0 / VIEW_SIZE + 0.5) as u32;
    (pct(at.x), pct(at.y))
}

/// How far to the right of its line a message travels, so that a request and its reply
/// crossing between the same two servers do not hide each other.
pub const LANE_OFFSET: f64 = 5.0;

/// Where a message is after `progress` (0 to 1) of its flight from the server at `from`
/// to the one at `to`: it leaves the sender's edge and arrives at the receiver's, in a lane
/// to the right of its direction of travel.
pub fn message_position(from: Point, to: Point, server_radius: f64, progress: f64) -> Point {
    let d = from.distance(to);
    if d < 1e-9 {
        return from;
    }
    let (ux, uy) = ((to.x - from.x) / d, (to.y - from.y) / d);
    // The right-hand normal in SVG's y-down coordinates.
    let (nx, ny) = (-uy, ux);
    let edge = server_radius.min(d / 2.0);
    let start = Point { x: from.x + ux * edge + nx * LANE_OFFSET, y: from.y + uy * edge + ny * LANE_OFFSET };
    let end = Point { x: to.x - ux * edge + nx * LANE_OFFSET, y: to.y - uy * edge + ny * LANE_OFFSET };
    start.lerp(end, progress.clamp(0.0, 1.0))
}

/// The fraction of an election timer still to run at `now` (1: just started, 0: fires
/// now), for drawing it draining. All times in microseconds.
pub fn timer_remaining(started_us: u64, deadline_us: u64, now_us: u64) -> f64 {
    if deadline_us <= started_us {
        return 0.0;
    }
    let total = (deadline_us - started_us) as f64;
    (deadline_us.saturating_sub(now_us) as f64 / total).clamp(0.0, 1.0)
}

/// An SVG path for an arc of a circle around `center` covering `fraction` of the full
/// turn, starting at the top and running clockwise. Empty for nothing; a full circle
/// (two half arcs, since one arc cannot start and end at the same point) for 1.
pub fn arc_path(center: Point, radius: f64, fraction: f64) -> String {
    let f = fraction.clamp(0.0, 1.0);
    if f <= 0.0 {
        return String::new();
    }
    let top = Point { x: center.x, y: center.y - radius };
    if f >= 0.9999 {
        let bottom = Point { x: center.x, y: center.y + radius };
        let (tx, ty, by, r) = (svg_number(top.x), svg_number(top.y), svg_number(bottom.y), svg_number(radius));
        return format!("M{tx} {ty}A{r} {r} 0 1 1 {tx} {by}A{r} {r} 0 1 1 {tx} {ty}");
    }
    let angle = -PI / 2.0 + TAU * f;
    let end = Point { x: center.x + radius * math::cos(angle), y: center.y + radius * math::sin(angle) };
    let large = if f > 0.5 { 1 } else { 0 };
    let (tx, ty, ex, ey, r) =
        (svg_number(top.x), svg_number(top.y), svg_number(end.x), svg_number(end.y), svg_number(radius));
    format!("M{tx} {ty}A{r} {r} 0 {large} 1 {ex} {ey}")
}

/// Where the `k`th of `n` vote pips sits around a candidate: on a short arc below the
/// server, centred, 13 units apart.
pub fn vote_pip_position(center: Point, server_radius: f64, k: usize, n: usize) -> Point {
    let spacing = 13.0;
    let x = center.x + (k as f64 - (n.saturating_sub(1)) as f64 / 2.0) * spacing;
    Point { x, y: center.y + server_radius + 12.0 }
}

/// Where the notes about a server go (its vote pips, then its tally or "not counted",
/// `lines` lines of them): below the server, or above it when below would leave the view.
/// Returns the y offsets from the server's centre of the pips and of the first line, and
/// the step from one line to the next (negative when going up).
pub fn note_offsets(center: Point, server_radius: f64, lines: usize) -> (f64, f64, f64) {
    const PIPS: f64 = 12.0;
    const FIRST: f64 = 27.0;
    const STEP: f64 = 11.0;
    let bottom = center.y + server_radius + FIRST + STEP * lines.saturating_sub(1) as f64 + 6.0;
    if bottom <= VIEW_SIZE {
        (server_radius + PIPS, server_radius + FIRST, STEP)
    } else {
        (-(server_radius + PIPS), -(server_radius + FIRST), -STEP)
    }
}

/// The centre of a `width` × `height` box set beside a server of radius `server_radius`
/// at `from`, towards the ring's centre (below it, for the server in the middle), with a
/// `gap` between the disc and the box's nearest edge: where a leader's quorum meters sit.
pub fn beside_towards_centre(from: Point, server_radius: f64, width: f64, height: f64, gap: f64) -> Point {
    let d = from.distance(CENTER);
    let (dx, dy) = if d < 1e-9 { (0.0, 1.0) } else { ((CENTER.x - from.x) / d, (CENTER.y - from.y) / d) };
    // How far the box reaches back towards the server along the direction (dx, dy).
    let reach = dx.abs() * width / 2.0 + dy.abs() * height / 2.0;
    let distance = server_radius + gap + reach;
    Point::new(from.x + dx * distance, from.y + dy * distance)
}

/// The visible window of a horizontally scrolled strip of equal cells: the first cell
/// index and how many to draw, with `overscan` extra on each side. `total` cells in all.
pub fn visible_window(scroll_px: f64, viewport_px: f64, cell_px: f64, total: usize, overscan: usize) -> (usize, usize) {
    if total == 0 || cell_px <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_px.max(0.0) / cell_px).floor() as usize;
    let first = first.saturating_sub(overscan).min(total);
    let shown = (viewport_px.max(0.0) / cell_px).ceil() as usize + 2 * overscan + 1;
    (first, shown.min(total - first))
}

/// An SVG number: at most two decimals, no trailing zeros (`12`, `12.5`, `-0.25`).
pub fn svg_number(v: f64) -> String {
    crate::decimal::trimmed(v, 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_menu_opens_at_the_server_in_percent_of_the_ring() {
        // Five servers: the first at the top centre, the others clockwise.
        let at: Vec<(u32, u32)> = (0..5).map(|i| server_percent(i, 5)).collect();
        let expect: Vec<(u32, u32)> = (0..5)
            .map(|i| {
                let p = server_position(i, 5);
                ((p.x / 4.0).round() as u32, (p.y / 4.0).round() as u32)
            })
            .collect();
        assert_eq!(at, expect);
        assert_eq!(at[0].0, 50);
        assert!(at[0].1 < 50 && at[1].0 > 50 && at[4].0 < 50, "{at:?}");
        assert_eq!(server_percent(0, 1), (50, 50), "one server sits in the centre");
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-6
    }

    #[test]
    fn svg_numbers_are_short() {
        assert_eq!(svg_number(12.0), "12");
        assert_eq!(svg_number(12.5), "12.5");
        assert_eq!(svg_number(-0.001), "0");
        assert_eq!(svg_number(1.23456), "1.23");
    }

    #[test]
    fn one_server_sits_in_the_middle() {
        assert_eq!(server_position(0, 1), CENTER);
    }

    #[test]
    fn the_first_server_is_at_the_top_and_the_others_go_clockwise() {
        let first = server_position(0, 4);
        assert!(close(first.x, CENTER.x) && first.y < CENTER.y);
        let second = server_position(1, 4);
        assert!(second.x > CENTER.x && close(second.y, CENTER.y), "the second of four is on the right: {second:?}");
    }

    #[test]
    fn every_server_is_inside_the_view_box_with_its_label_and_pips() {
        for count in 1..=9 {
            let r = server_radius(count);
            for i in 0..count {
                let p = server_position(i, count);
                // Room for the timer ring (r + 6) and the vote pips below (r + 18).
                assert!(p.x - r - 8.0 >= 0.0 && p.x + r + 8.0 <= VIEW_SIZE, "{count} servers, #{i}: {p:?}");
                assert!(p.y - r - 8.0 >= 0.0 && p.y + r + 20.0 <= VIEW_SIZE, "{count} servers, #{i}: {p:?}");
            }
        }
    }

    #[test]
    fn neighbours_never_overlap() {
        for count in 2..=9 {
            let gap = server_position(0, count).distance(server_position(1, count));
            assert!(gap > 2.0 * server_radius(count) + 10.0, "{count} servers are {gap} apart");
        }
    }

    #[test]
    fn a_message_leaves_the_senders_edge_and_reaches_the_receivers() {
        let (a, b) = (Point::new(100.0, 200.0), Point::new(300.0, 200.0));
        let start = message_position(a, b, 30.0, 0.0);
        let end = message_position(a, b, 30.0, 1.0);
        assert!(close(start.x, 130.0) && close(end.x, 270.0));
        // Travelling right (+x) in y-down coordinates, the right-hand lane is below.
        assert!(close(start.y, 200.0 + LANE_OFFSET));
        let back = message_position(b, a, 30.0, 0.5);
        assert!(close(back.y, 200.0 - LANE_OFFSET), "the reply uses the other lane");
        assert!(close(message_position(a, b, 30.0, 0.5).x, 200.0));
        assert_eq!(message_position(a, b, 30.0, 7.0), end, "progress is clamped");
    }

    #[test]
    fn timers_drain_from_one_to_zero() {
        assert!(close(timer_remaining(1000, 3000, 1000), 1.0));
        assert!(close(timer_remaining(1000, 3000, 2000), 0.5));
        assert!(close(timer_remaining(1000, 3000, 9000), 0.0));
        assert!(close(timer_remaining(3000, 3000, 3000), 0.0));
    }

    #[test]
    fn arcs_start_at_the_top() {
        assert_eq!(arc_path(CENTER, 10.0, 0.0), "");
        let quarter = arc_path(CENTER, 10.0, 0.25);
        assert_eq!(quarter, "M200 190A10 10 0 0 1 210 200");
        assert!(arc_path(CENTER, 10.0, 0.75).contains(" 0 1 1 "), "more than half takes the large arc");
        assert_eq!(arc_path(CENTER, 10.0, 1.0).matches('A').count(), 2, "a full circle is two arcs");
    }

    #[test]
    fn vote_pips_are_centred_below_the_server() {
        let c = Point::new(100.0, 100.0);
        let pips: Vec<Point> = (0..3).map(|k| vote_pip_position(c, 30.0, k, 3)).collect();
        assert!(close(pips[1].x, 100.0) && close(pips[0].x, 87.0) && close(pips[2].x, 113.0));
        assert!(pips.iter().all(|p| p.y > 130.0));
    }

    #[test]
    fn the_visible_window_covers_the_viewport_and_stays_in_range() {
        assert_eq!(visible_window(0.0, 100.0, 20.0, 0, 2), (0, 0));
        assert_eq!(visible_window(0.0, 100.0, 20.0, 3, 2), (0, 3));
        let (first, n) = visible_window(1000.0, 200.0, 20.0, 10_000, 4);
        assert_eq!(first, 46);
        assert!(first * 20 <= 1000 && (first + n) * 20 >= 1200, "covers 1000..1200 px");
        let (first, n) = visible_window(1e9, 200.0, 20.0, 100, 4);
        assert_eq!((first, n), (100, 0));
    }

    #[test]
    fn notes_go_below_a_server_unless_that_leaves_the_view() {
        let r = server_radius(5);
        let top = server_position(0, 5);
        assert_eq!(note_offsets(top, r, 2), (r + 12.0, r + 27.0, 11.0));
        let bottom = server_position(3, 6);
        let (pips, first, step) = note_offsets(bottom, server_radius(6), 2);
        assert!(pips < 0.0 && first < pips && step < 0.0, "above: {pips} {first} {step}");
        assert!(bottom.y + first + step >= 0.0);
    }

    #[test]
    fn meters_sit_towards_the_centre_clear_of_the_leader_and_inside_the_view() {
        let (w, h) = (132.0, 50.0);
        for count in 1..=9 {
            let r = server_radius(count);
            for i in 0..count {
                let p = server_position(i, count);
                let c = beside_towards_centre(p, r, w, h, 6.0);
                // The box's nearest point to the server's centre is outside the disc.
                let nx = p.x.clamp(c.x - w / 2.0, c.x + w / 2.0);
                let ny = p.y.clamp(c.y - h / 2.0, c.y + h / 2.0);
                assert!(Point::new(nx, ny).distance(p) >= r + 5.9, "{count} servers, #{i}: {c:?}");
                assert!(c.x - w / 2.0 >= 0.0 && c.x + w / 2.0 <= VIEW_SIZE, "{count} servers, #{i}: {c:?}");
                assert!(c.y - h / 2.0 >= 0.0 && c.y + h / 2.0 <= VIEW_SIZE, "{count} servers, #{i}: {c:?}");
            }
        }
        let top = server_position(0, 5);
        assert_eq!(beside_towards_centre(top, 38.0, 100.0, 20.0, 5.0), Point::new(top.x, top.y + 38.0 + 5.0 + 10.0));
    }
}
