//! The limits of [`crate::sim::limits`] in the page's words.

use crate::scenario::LoadError;
use crate::sim::limits::Setting;
use crate::view::i18n::{tf, K};

/// A value outside its setting's range: the setting, the range and the value.
pub fn out_of_range(setting: Setting, found: u64) -> String {
    let r = setting.range();
    tf(K::CfgOutOfRange, &[&setting.name(), &r.with_unit(r.min), &r.with_unit(r.max), &r.with_unit(found)])
}

/// A budget of the page's own runs, in words: `3000000 events`, `1h of simulated time`.
pub fn budget(setting: Setting) -> String {
    let max = setting.range().max;
    match setting {
        Setting::RunTime => tf(K::LimitRunTime, &[&super::format::format_sim_time(max * 1_000)]),
        _ => tf(K::LimitRunEvents, &[&max]),
    }
}

/// Why a scenario did not load: where it does not parse, or where its run reaches a limit.
pub fn load_error(e: &LoadError) -> String {
    match e {
        LoadError::Scenario(e) => tf(K::ScenarioParseError, &[&super::format::scenario_error(e)]),
        LoadError::OverBudget { line, limit } => tf(K::ScenarioOverBudget, &[line, &budget(*limit)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_setting_its_range_and_the_value() {
        assert_eq!(out_of_range(Setting::Heartbeat, 1), "`heartbeat` must be from 5ms to 10000ms, found 1ms");
        assert_eq!(out_of_range(Setting::Checkpoints, 0), "`checkpoints` must be from 2 to 1024, found 0");
    }
}
