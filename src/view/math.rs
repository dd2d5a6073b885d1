//! The few transcendental functions the view needs. In the browser they are the page's
//! own `Math` functions: Rust's implementations (libm, compiled into the wasm) would add
//! some 10 KB to the first load for a ring's positions and the speed slider's log scale.
//! Only the view uses them, never the simulator, so a last-bit difference between the
//! two cannot change a run.

#[cfg(target_arch = "wasm32")]
mod imp {
    use js_sys::Math;
    pub fn cos(x: f64) -> f64 {
        Math::cos(x)
    }
    pub fn sin(x: f64) -> f64 {
        Math::sin(x)
    }
    pub fn pow10(x: f64) -> f64 {
        Math::pow(10.0, x)
    }
    pub fn log10(x: f64) -> f64 {
        Math::log10(x)
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    pub fn cos(x: f64) -> f64 {
        x.cos()
    }
    pub fn sin(x: f64) -> f64 {
        x.sin()
    }
    pub fn pow10(x: f64) -> f64 {
        10f64.powf(x)
    }
    pub fn log10(x: f64) -> f64 {
        x.log10()
    }
}

pub use imp::{cos, log10, pow10, sin};
