//! The balloon models of ANNarchy's BOLD extension (`extensions/bold`,
//! SPEC.md 9.2): rate-coded neurons whose inputs are targets (`I_CBF =
//! sum(I_CBF)`), driven by a
//! [`BoldMonitor`](annarchy_runtime::bold::BoldMonitor) and computing the
//! BOLD signal of the populations it monitors.
//!
//! The Balloon model (Buxton et al., 1998) computes the vascular response
//! to neural activity with a damped oscillator: the vasodilatory signal `s`
//! and the normalised blood inflow `f_in`,
//!
//! ```text
//! ds/dt    = phi * I_CBF - kappa * s - gamma * (f_in - 1)
//! df_in/dt = s
//! ```
//!
//! then the oxygen extraction fraction `E = 1 - (1 - E_0)^(1/f_in)`, the
//! normalised venous blood volume `v` and deoxyhemoglobin content `q`
//! (`tau * dv/dt = f_in - f_out`, `f_out = v^(1/alpha)`,
//! `tau * dq/dt = f_in * E / E_0 - q / v * f_out`) and from them the BOLD
//! signal, with the non-linear (N) or linear (L) BOLD equation and the
//! classic (C, Buxton et al., 1998) or revised (R, Obata et al., 2004)
//! coefficients `k_1`, `k_2`, `k_3` (Stephan et al., 2007): [`balloon_RN`],
//! [`balloon_RL`], [`balloon_CN`], [`balloon_CL`]. [`balloon_maith2021`] is
//! the model of Maith et al. (2021), [`balloon_two_inputs`] the model with a
//! CBF-driving and a CMRO2-driving input of Maith et al. (2022).
//!
//! ```
//! use annarchy_models::{InputArray, balloon_RN};
//! use annarchy_runtime::bold::BoldOptions;
//! use annarchy_runtime::network::Network;
//!
//! # fn main() -> annarchy_runtime::Result<()> {
//! let mut b = Network::builder();
//! let region = b.population::<InputArray>("region", 10)?;
//! // ANNarchy's default: `I_CBF` is the mean `r` of the region.
//! let bold = b.bold_monitor::<balloon_RN>(
//!     &[region.into()],
//!     BoldOptions {
//!         start: true,
//!         ..BoldOptions::default()
//!     },
//! )?;
//! let mut net = b.build()?;
//! net.simulate(1000.0)?; // at rest
//! net.set(region, "r", 0.5)?; // 2 s of activity
//! net.simulate(2000.0)?;
//! net.set(region, "r", 0.0)?;
//! net.simulate(17000.0)?;
//! let signal: Vec<f64> = net.bold_get(bold, "BOLD")?.values.concat();
//! // Flat at rest, a response peaking seconds after the activity, and an
//! // undershoot below the resting level.
//! assert!(signal[..1000].iter().all(|&b| b == 0.0));
//! let peak = (0..signal.len()).max_by(|&i, &j| signal[i].total_cmp(&signal[j])).unwrap();
//! assert!((3000..8000).contains(&peak), "peak at {peak} ms");
//! assert!(signal[peak] > 0.01);
//! assert!(signal[peak..].iter().any(|&b| b < 0.0));
//! // The model's attributes are those of the BOLD population.
//! assert_eq!(net.pop(bold.population()).kappa(), 1.0 / 1.54);
//! # Ok(())
//! # }
//! ```
//!
//! Time constants are in seconds: the equations divide by the parameter
//! `second = 1000` (ms). Every model has ANNarchy's parameters, equations
//! (in ANNarchy's order), flags, names and descriptions. ANNarchy adds the
//! variable `r` to a BOLD model that has none; these models declare it as
//! their last equation, `r = r`, which leaves it at 0. The parameters of
//! [`balloon_RN`], [`balloon_RL`], [`balloon_CN`] and [`balloon_CL`] are
//! global (`: population`), those of [`balloon_maith2021`] and
//! [`balloon_two_inputs`] local, as in ANNarchy; ANNarchy's constructor
//! arguments are the parameters, set on the BOLD population
//! ([`BoldMonitor::population`](annarchy_runtime::bold::BoldMonitor::population))
//! like those of any population.
//!
//! > Buxton, R. B., Wong, E. C., and Frank, L. R. (1998). Dynamics of blood
//! > flow and oxygenation changes during brain activation: the balloon model.
//! > Magnetic resonance in medicine 39, 855-864.
//! >
//! > Friston et al. (2000). Nonlinear responses in fMRI: the balloon model,
//! > volterra kernels, and other hemodynamics. NeuroImage 12, 466-477.
//! >
//! > Obata et al. (2004). Discrepancies between BOLD and flow dynamics in
//! > primary and supplementary motor areas: application of the balloon model
//! > to the interpretation of BOLD transients. NeuroImage 21, 144-153.
//! >
//! > Stephan et al. (2007). Comparing hemodynamic models with DCM.
//! > NeuroImage 38, 387-401.
//! >
//! > Maith et al. (2021). A computational model-based analysis of basal
//! > ganglia pathway changes in Parkinson's disease inferred from
//! > resting-state fMRI. European Journal of Neuroscience 53, 2278-2295.
//! >
//! > Maith et al. (2022). BOLD monitoring in the neural simulator ANNarchy.
//! > Frontiers in Neuroinformatics 16.

#![allow(non_camel_case_types)]

use annarchy_macros::neuron;
use annarchy_runtime::bold::BoldModel;

neuron! {
    /// ANNarchy's `balloon_RN`: the balloon model with revised coefficients
    /// and the non-linear BOLD equation (Stephan et al., 2007), ANNarchy's
    /// default BOLD model.
    ///
    /// `k_1 = 4.3 * v_0 * E_0 * TE`, `k_2 = epsilon * r_0 * E_0 * TE`,
    /// `k_3 = 1 - epsilon`,
    /// `BOLD = V_0 * (k_1 * (1 - q) + k_2 * (1 - q / v) + k_3 * (1 - v))`.
    /// Input: `I_CBF`; output: `BOLD`.
    pub struct balloon_RN {
        runtime: ::annarchy_runtime,
        name: "BOLD model RN",
        description: "BOLD computation with revised coefficients and non-linear BOLD equation (Stephan et al., 2007).",
        parameters: "
            second    = 1000.0 : population
            phi       = 1.0 : population
            kappa     = 1/1.54 : population
            gamma     = 1/2.46 : population
            E_0       = 0.34 : population
            tau       = 0.98 : population
            alpha     = 0.33 : population
            V_0       = 0.02 : population
            v_0       = 40.3 : population
            TE        = 40/1000. : population
            epsilon   = 1.43 : population
            r_0       = 25 : population
        ",
        equations: "
            # Single input
            I_CBF          = sum(I_CBF)                                                : init=0
            ds/dt          = (phi * I_CBF - kappa * s - gamma * (f_in - 1))/second     : init=0
            df_in/dt       = s / second                                                : init=1, min=0.01

            E              = 1 - (1 - E_0)**(1 / f_in)                                 : init=0.3424
            dq/dt          = (f_in * E / E_0 - (q / v) * f_out)/(tau*second)           : init=1, min=0.01
            dv/dt          = (f_in - f_out)/(tau*second)                               : init=1, min=0.01
            f_out          = v**(1 / alpha)                                            : init=1, min=0.01

            # Revised coefficients
            k_1            = 4.3 * v_0 * E_0 * TE
            k_2            = epsilon * r_0 * E_0 * TE
            k_3            = 1.0 - epsilon

            # Non-linear equation
            BOLD           = V_0 * (k_1 * (1 - q) + k_2 * (1 - (q / v)) + k_3 * (1 - v))  : init=0

            # The rate ANNarchy adds to a BOLD model without one
            r              = r
        ",
    }
}

impl BoldModel for balloon_RN {
    const INPUTS: &'static [&'static str] = &["I_CBF"];
    const OUTPUTS: &'static [&'static str] = &["BOLD"];
}

neuron! {
    /// ANNarchy's `balloon_RL`: the balloon model with revised coefficients
    /// and the linear BOLD equation (Stephan et al., 2007).
    ///
    /// `BOLD = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v))`, with
    /// the coefficients of [`balloon_RN`]. As in ANNarchy, the equations of
    /// `q` and `v` are written `tau * dq/dt = ...` and `tau * dv/dt = ...`,
    /// without the division by `second` of the other models: `tau` is in ms
    /// here, and `q` and `v` follow `f_in` about a thousand times faster.
    /// Input: `I_CBF`; output: `BOLD`.
    pub struct balloon_RL {
        runtime: ::annarchy_runtime,
        name: "BOLD model RL",
        description: "BOLD computation with revised coefficients and linear BOLD equation (Stephan et al., 2007).",
        parameters: "
            second    = 1000.0 : population
            phi       = 1.0 : population
            kappa     = 1/1.54 : population
            gamma     = 1/2.46 : population
            E_0       = 0.34 : population
            tau       = 0.98 : population
            alpha     = 0.33 : population
            V_0       = 0.02 : population
            v_0       = 40.3 : population
            TE        = 40/1000. : population
            epsilon   = 1.43 : population
            r_0       = 25 : population
        ",
        equations: "
            # Single input
            I_CBF          = sum(I_CBF)                                                    : init=0
            ds/dt          = (phi * I_CBF - kappa * s - gamma * (f_in - 1))/second         : init=0
            df_in/dt       = s  / second                                                   : init=1, min=0.01

            E              = 1 - (1 - E_0)**(1 / f_in)                                     : init=0.3424
            tau*dq/dt      = f_in * E / E_0 - (q / v) * f_out                              : init=1, min=0.01
            tau*dv/dt      = f_in - f_out                                                  : init=1, min=0.01
            f_out          = v**(1 / alpha)                                                : init=1, min=0.01

            # Revised coefficients
            k_1            = 4.3 * v_0 * E_0 * TE
            k_2            = epsilon * r_0 * E_0 * TE
            k_3            = 1 - epsilon

            # Linear equation
            BOLD           = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v))         : init=0

            # The rate ANNarchy adds to a BOLD model without one
            r              = r
        ",
    }
}

impl BoldModel for balloon_RL {
    const INPUTS: &'static [&'static str] = &["I_CBF"];
    const OUTPUTS: &'static [&'static str] = &["BOLD"];
}

neuron! {
    /// ANNarchy's `balloon_CN`: the balloon model with classic coefficients
    /// and the non-linear BOLD equation (Stephan et al., 2007).
    ///
    /// `k_1 = (1 - V_0) * 4.3 * v_0 * E_0 * TE`, `k_2 = 2 * E_0`,
    /// `k_3 = 1 - epsilon`,
    /// `BOLD = V_0 * (k_1 * (1 - q) + k_2 * (1 - q / v) + k_3 * (1 - v))`.
    /// Input: `I_CBF`; output: `BOLD`.
    pub struct balloon_CN {
        runtime: ::annarchy_runtime,
        name: "BoldNeuron CN",
        description: "BOLD computation with classic coefficients and non-linear BOLD equation (Stephan et al., 2007).",
        parameters: "
            second    = 1000.0 : population
            phi       = 1.0 : population
            kappa     = 1/1.54 : population
            gamma     = 1/2.46 : population
            E_0       = 0.34 : population
            tau       = 0.98 : population
            alpha     = 0.33 : population
            V_0       = 0.02 : population
            v_0       = 40.3 : population
            TE        = 40/1000. : population
            epsilon   = 1.43 : population
        ",
        equations: "
            # Single input
            I_CBF          = sum(I_CBF)                                                : init=0
            ds/dt          = (phi * I_CBF - kappa * s - gamma * (f_in - 1))/second     : init=0
            df_in/dt       = s / second                                                : init=1, min=0.01

            E              = 1 - (1 - E_0)**(1 / f_in)                                 : init=0.3424
            dq/dt          = (f_in * E / E_0 - (q / v) * f_out)/(tau*second)           : init=1, min=0.01
            dv/dt          = (f_in - f_out)/(tau*second)                               : init=1, min=0.01
            f_out          = v**(1 / alpha)                                            : init=1, min=0.01

            # Classic coefficients
            k_1            = (1 - V_0) * 4.3 * v_0 * E_0 * TE
            k_2            = 2 * E_0
            k_3            = 1 - epsilon

            # Non-linear equation
            BOLD           = V_0 * (k_1 * (1 - q) + k_2 * (1 - (q / v)) + k_3 * (1 - v))  : init=0

            # The rate ANNarchy adds to a BOLD model without one
            r              = r
        ",
    }
}

impl BoldModel for balloon_CN {
    const INPUTS: &'static [&'static str] = &["I_CBF"];
    const OUTPUTS: &'static [&'static str] = &["BOLD"];
}

neuron! {
    /// ANNarchy's `balloon_CL`: the balloon model with classic coefficients
    /// and the linear BOLD equation (Stephan et al., 2007).
    ///
    /// `BOLD = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v))`, with
    /// the coefficients of [`balloon_CN`]. Input: `I_CBF`; output: `BOLD`.
    pub struct balloon_CL {
        runtime: ::annarchy_runtime,
        name: "BoldNeuron CL",
        description: "BOLD computation with classic coefficients and linear BOLD equation (Stephan et al., 2007).",
        parameters: "
            second    = 1000.0 : population
            phi       = 1.0 : population
            kappa     = 1/1.54 : population
            gamma     = 1/2.46 : population
            E_0       = 0.34 : population
            tau       = 0.98 : population
            alpha     = 0.33 : population
            V_0       = 0.02 : population
            v_0       = 40.3 : population
            TE        = 40/1000. : population
            epsilon   = 1.43 : population
        ",
        equations: "
            # Single input
            I_CBF          = sum(I_CBF)                                                : init=0
            ds/dt          = (phi * I_CBF - kappa * s - gamma * (f_in - 1))/second     : init=0
            df_in/dt       = s / second                                                : init=1, min=0.01

            E              = 1 - (1 - E_0)**(1 / f_in)                                 : init=0.3424
            dq/dt          = (f_in * E / E_0 - (q / v) * f_out)/(tau*second)           : init=1, min=0.01
            dv/dt          = (f_in - f_out)/(tau*second)                               : init=1, min=0.01
            f_out          = v**(1 / alpha)                                            : init=1, min=0.01

            # Classic coefficients
            k_1            = (1 - V_0) * 4.3 * v_0 * E_0 * TE
            k_2            = 2 * E_0
            k_3            = 1 - epsilon

            # Linear equation
            BOLD           = V_0 * ((k_1 + k_2) * (1 - q) + (k_3 - k_2) * (1 - v))        : init=0

            # The rate ANNarchy adds to a BOLD model without one
            r              = r
        ",
    }
}

impl BoldModel for balloon_CL {
    const INPUTS: &'static [&'static str] = &["I_CBF"];
    const OUTPUTS: &'static [&'static str] = &["BOLD"];
}

neuron! {
    /// ANNarchy's `balloon_maith2021`: the balloon model of Maith et al.
    /// (2021), with the non-linear BOLD equation and the coefficients
    /// `k_1 = 7 * E_0`, `k_2 = 2`, `k_3 = 2 * E_0 - 0.2`.
    /// Input: `I_CBF`; output: `BOLD`.
    pub struct balloon_maith2021 {
        runtime: ::annarchy_runtime,
        name: "Maith2021 BOLD model",
        description: "BOLD computation from Maith et al. (2021).",
        parameters: "
            second    = 1000.0
            phi   = 1.0
            kappa = 0.665
            gamma = 0.412
            E_0       = 0.3424
            tau     = 1.0368
            alpha     = 0.3215
            V_0       = 0.02
        ",
        equations: "
            I_CBF          = sum(I_CBF)                                                 : init=0
            ds/dt          = (phi * I_CBF - kappa * s - gamma * (f_in - 1))/second      : init=0
            df_in/dt       = s / second                                                 : init=1, min=0.01

            E              = 1 - (1 - E_0)**(1 / f_in)                                  : init=0.3424
            dq/dt          = (f_in * E / E_0 - (q / v) * f_out)/(tau*second)            : init=1, min=0.01
            dv/dt          = (f_in - f_out)/(tau*second)                                : init=1, min=0.01
            f_out          = v**(1 / alpha)                                             : init=1, min=0.01

            k_1            = 7 * E_0
            k_2            = 2
            k_3            = 2 * E_0 - 0.2

            BOLD           = V_0 * (k_1 * (1 - q) + k_2 * (1 - (q / v)) + k_3 * (1 - v)) : init=0

            # The rate ANNarchy adds to a BOLD model without one
            r              = r
        ",
    }
}

impl BoldModel for balloon_maith2021 {
    const INPUTS: &'static [&'static str] = &["I_CBF"];
    const OUTPUTS: &'static [&'static str] = &["BOLD"];
}

neuron! {
    /// ANNarchy's `balloon_two_inputs`: the balloon model with a
    /// CBF-driving input `I_CBF` and a CMRO2-driving input `I_CMRO2`
    /// (Maith et al., 2022), revised coefficients and the non-linear BOLD
    /// equation.
    ///
    /// Each input drives a damped oscillator (`s_CBF`, `f_in` and
    /// `s_CMRO2`, `r`: here `r` is the normalised CMRO2 flow); the CMRO2
    /// oscillator is ten times stiffer, its input scaled by
    /// `gamma_CMRO2 / gamma_CBF`, so that equal inputs give equal steady
    /// states. The outflow `f_out` lags the volume with the time constant
    /// `tau_out1` while `v` grows and `tau_out2` while it shrinks (`dv` is
    /// a variable of its own, not the derivative of `v`).
    /// Inputs: `I_CBF`, `I_CMRO2`; output: `BOLD`.
    pub struct balloon_two_inputs {
        runtime: ::annarchy_runtime,
        name: "BOLD model with two inputs",
        description: "BOLD model with two inputs (CBF-driving and CMRO2-driving). Combination of neurovascular coupling of Friston et al. (2000) and non-linear Balloon model with revised coefficients (Buxton et al, 1998, Stephan et al, 2007)",
        parameters: "
            kappa_CBF   = 0.7650920556760059
            gamma_CBF   = 1/2.46
            kappa_CMRO2 = 4.032389192727559
            gamma_CMRO2 = 10/2.46
            phi_CBF     = 1.0
            phi_CMRO2   = 1.0
            E_0         = 0.34
            tau         = 0.98
            alpha       = 0.33
            V_0         = 0.02
            v_0         = 40.3
            TE          = 40/1000.
            epsilon     = 1
            r_0         = 25
            tau_out1    = 0
            tau_out2    = 20
            second      = 1000
        ",
        equations: "
            # CBF input
            I_CBF               = sum(I_CBF)                                                   : init=0
            second*ds_CBF/dt    = phi_CBF * I_CBF - kappa_CBF * s_CBF - gamma_CBF * (f_in - 1) : init=0
            second*df_in/dt     = s_CBF                                                        : init=1, min=0.01

            # CMRO2 input
            I_CMRO2             = sum(I_CMRO2)                                                 : init=0
            second*ds_CMRO2/dt  = phi_CMRO2 * I_CMRO2 * (gamma_CMRO2 / gamma_CBF) - kappa_CMRO2 * s_CMRO2 - gamma_CMRO2 * (r - 1) : init=0
            second*dr/dt        = s_CMRO2                                                      : init=1, min=0.01

            dv                  = f_in - v**(1 / alpha)
            tau_out             = if dv>0: tau_out1 else: tau_out2
            f_out               = v**(1/alpha) + tau_out * dv / (tau + tau_out)              : init=1, min=0.01

            dq/dt               = (r - (q / v) * f_out)  / (second*tau)                        : init=1, min=0.01
            dv/dt               = dv / (tau + tau_out)  / second                             : init=1, min=0.01

            # Revised coefficients
            k_1                 = 4.3 * v_0 * E_0 * TE
            k_2                 = epsilon * r_0 * E_0 * TE
            k_3                 = 1 - epsilon

            # Non-linear equation
            BOLD                = V_0 * (k_1 * (1 - q) + k_2 * (1 - (q / v)) + k_3 * (1 - v))  : init=0
        ",
    }
}

impl BoldModel for balloon_two_inputs {
    const INPUTS: &'static [&'static str] = &["I_CBF", "I_CMRO2"];
    const OUTPUTS: &'static [&'static str] = &["BOLD"];
}
