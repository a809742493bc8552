//! Standard neuron models.

use annarchy_macros::neuron;

neuron! {
    /// ANNarchy's `LeakyIntegrator`: a rate-coded neuron integrating its
    /// excitatory minus inhibitory inputs, with a positive transfer function.
    ///
    /// `tau * dv/dt + v = sum(exc) - sum(inh) + B`, `r = pos(v - T)`.
    pub struct LeakyIntegrator {
        runtime: ::annarchy_runtime,
        name: "Leaky-Integrator",
        description: "Leaky-Integrator with positive transfer function and additive noise.",
        parameters: "
            tau = 10.0 : population
            B = 0.0
            T = 0.0 : population
        ",
        equations: "
            tau * dv/dt + v = sum(exc) - sum(inh) + B : exponential
            r = pos(v - T)
        ",
    }
}

neuron! {
    /// ANNarchy's `InputArray`: a rate-coded population whose `r` is set by
    /// the user and never changed by the simulation.
    pub struct InputArray {
        runtime: ::annarchy_runtime,
        name: "Input Array",
        description: "Input array source.",
        equations: "r = r",
    }
}

neuron! {
    /// ANNarchy's `Izhikevich`: quadratic integrate-and-fire neuron with
    /// adaptation. `I = g_exc - g_inh + noise * Normal(0, 1) + i_offset`.
    pub struct Izhikevich {
        runtime: ::annarchy_runtime,
        name: "Izhikevich",
        description: "Quadratic integrate-and-fire spiking neuron with adaptation.",
        parameters: "
            noise = 0.0
            a = 0.02
            b = 0.2
            c = -65.0
            d = 8.0
            v_thresh = 30.0
            i_offset = 0.0
            tau_refrac = 0.0
        ",
        equations: "
            I = g_exc - g_inh + noise * Normal(0.0, 1.0) + i_offset
            dv/dt = 0.04 * v^2 + 5.0 * v + 140.0 - u + I : init = -65.0
            du/dt = a * (b*v - u) : init = -13.0
        ",
        spike: "v > v_thresh",
        reset: "
            v = c
            u += d
        ",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `IF_curr_exp`: leaky integrate-and-fire neuron with
    /// exponentially decaying post-synaptic currents.
    pub struct IF_curr_exp {
        runtime: ::annarchy_runtime,
        name: "Integrate-and-Fire",
        description: "Leaky integrate-and-fire model with fixed threshold and decaying-exponential post-synaptic current.",
        parameters: "
            v_rest = -65.0
            cm  = 1.0
            tau_m  = 20.0
            tau_refrac = 0.0
            tau_syn_E = 5.0
            tau_syn_I = 5.0
            v_thresh = -50.0
            v_reset = -65.0
            i_offset = 0.0
        ",
        equations: "
            cm * dv/dt = cm/tau_m*(v_rest -v)   + g_exc - g_inh + i_offset : exponential, init=-65.0
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        ",
        spike: "v > v_thresh",
        reset: "v = v_reset",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `IF_cond_exp`: leaky integrate-and-fire neuron with
    /// exponentially decaying post-synaptic conductances.
    pub struct IF_cond_exp {
        runtime: ::annarchy_runtime,
        name: "Integrate-and-Fire",
        description: "Leaky integrate-and-fire model with fixed threshold and decaying-exponential post-synaptic conductances.",
        parameters: "
            v_rest = -65.0
            cm  = 1.0
            tau_m  = 20.0
            tau_refrac = 0.0
            tau_syn_E = 5.0
            tau_syn_I = 5.0
            e_rev_E = 0.0
            e_rev_I = -70.0
            v_thresh = -50.0
            v_reset = -65.0
            i_offset = 0.0
        ",
        equations: "
            cm * dv/dt = cm/tau_m*(v_rest -v)   + g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset : exponential, init=-65.0
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        ",
        spike: "v > v_thresh",
        reset: "v = v_reset",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `IF_curr_alpha`: leaky integrate-and-fire neuron with
    /// alpha-shaped post-synaptic currents.
    pub struct IF_curr_alpha {
        runtime: ::annarchy_runtime,
        name: "Integrate-and-Fire",
        description: "Leaky integrate-and-fire model with fixed threshold and alpha post-synaptic currents.",
        parameters: "
            v_rest = -65.0
            cm  = 1.0
            tau_m  = 20.0
            tau_refrac = 0.0
            tau_syn_E = 5.0
            tau_syn_I = 5.0
            v_thresh = -50.0
            v_reset = -65.0
            i_offset = 0.0
        ",
        equations: "
            gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
            gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
            cm * dv/dt = cm/tau_m*(v_rest -v)   + alpha_exc - alpha_inh + i_offset : exponential, init=-65.0
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
            tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc  : exponential
            tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh  : exponential
        ",
        spike: "v > v_thresh",
        reset: "v = v_reset",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `IF_cond_alpha`: leaky integrate-and-fire neuron with
    /// alpha-shaped post-synaptic conductances.
    pub struct IF_cond_alpha {
        runtime: ::annarchy_runtime,
        name: "Integrate-and-Fire",
        description: "Leaky integrate-and-fire model with fixed threshold and alpha post-synaptic conductances.",
        parameters: "
            v_rest = -65.0
            cm  = 1.0
            tau_m  = 20.0
            tau_refrac = 0.0
            tau_syn_E = 5.0
            tau_syn_I = 5.0
            v_thresh = -50.0
            v_reset = -65.0
            i_offset = 0.0
            e_rev_E = 0.0
            e_rev_I = -70.0
        ",
        equations: "
            gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
            gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
            cm * dv/dt = cm/tau_m*(v_rest -v)   + alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v) + i_offset : exponential, init=-65.0
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
            tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc  : exponential
            tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh  : exponential
        ",
        spike: "v > v_thresh",
        reset: "v = v_reset",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `EIF_cond_exp_isfa_ista`: adaptive exponential
    /// integrate-and-fire neuron with exponential conductances.
    pub struct EIF_cond_exp_isfa_ista {
        runtime: ::annarchy_runtime,
        name: "Adaptive exponential Integrate-and-Fire",
        description: "Exponential integrate-and-fire neuron with spike triggered and sub-threshold adaptation currents (isfa, ista reps.).",
        parameters: "
            v_rest     = -70.6
            cm         = 0.281
            tau_m      = 9.3667
            tau_refrac = 0.1
            tau_syn_E  = 5.0
            tau_syn_I  = 5.0
            e_rev_E    = 0.0
            e_rev_I    = -80.0
            tau_w      = 144.0
            a          = 4.0
            b          = 0.0805
            i_offset   = 0.0
            delta_T    = 2.0
            v_thresh   = -50.4
            v_reset    = -70.6
            v_spike    = -40.0
        ",
        equations: "
            I = g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset
            tau_m * dv/dt = (v_rest - v +  delta_T * exp((v-v_thresh)/delta_T)) + tau_m/cm*(I - w) : init=-70.6
            tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        ",
        spike: "v > v_spike",
        reset: "
            v = v_reset
            w += b : unless_refractory
        ",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `EIF_cond_alpha_isfa_ista`: adaptive exponential
    /// integrate-and-fire neuron with alpha conductances.
    pub struct EIF_cond_alpha_isfa_ista {
        runtime: ::annarchy_runtime,
        name: "Adaptive exponential Integrate-and-Fire",
        description: "Exponential integrate-and-fire neuron with spike triggered and sub-threshold adaptation conductances (isfa, ista reps.).",
        parameters: "
            v_rest     = -70.6
            cm         = 0.281
            tau_m      = 9.3667
            tau_refrac = 0.1
            tau_syn_E  = 5.0
            tau_syn_I  = 5.0
            e_rev_E    = 0.0
            e_rev_I    = -80.0
            tau_w      = 144.0
            a          = 4.0
            b          = 0.0805
            i_offset   = 0.0
            delta_T    = 2.0
            v_thresh   = -50.4
            v_reset    = -70.6
            v_spike    = -40.0
        ",
        equations: "
            gmax_exc = exp((tau_syn_E - dt/2.0)/tau_syn_E)
            gmax_inh = exp((tau_syn_I - dt/2.0)/tau_syn_I)
            I = alpha_exc * (e_rev_E - v) + alpha_inh * (e_rev_I - v) + i_offset
            tau_m * dv/dt = (v_rest - v +  delta_T * exp((v-v_thresh)/delta_T)) + tau_m/cm*(I - w) : init=-70.6
            tau_w * dw/dt = a * (v - v_rest) / 1000.0 - w
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
            tau_syn_E * dalpha_exc/dt = gmax_exc * g_exc - alpha_exc  : exponential
            tau_syn_I * dalpha_inh/dt = gmax_inh * g_inh - alpha_inh  : exponential
        ",
        spike: "v > v_spike",
        reset: "
            v = v_reset
            w += b : unless_refractory
        ",
        refractory: "tau_refrac",
    }
}

neuron! {
    /// ANNarchy's `HH_cond_exp`: single-compartment Hodgkin-Huxley neuron
    /// with transient sodium and delayed-rectifier potassium currents.
    pub struct HH_cond_exp {
        runtime: ::annarchy_runtime,
        name: "Hodgkin-Huxley",
        description: "Single-compartment Hodgkin-Huxley-type neuron with transient sodium and delayed-rectifier potassium currents.",
        parameters: "
            gbar_Na = 20.0
            gbar_K = 6.0
            gleak = 0.01
            cm = 0.2
            v_offset = -63.0
            e_rev_Na = 50.0
            e_rev_K = -90.0
            e_rev_leak = -65.0
            e_rev_E = 0.0
            e_rev_I = -80.0
            tau_syn_E = 0.2
            tau_syn_I = 2.0
            i_offset = 0.0
            v_thresh = 0.0
        ",
        equations: "
            prev_v = v
            an = 0.032 * (15.0 - v + v_offset) / (exp((15.0 - v + v_offset)/5.0) - 1.0)
            am = 0.32  * (13.0 - v + v_offset) / (exp((13.0 - v + v_offset)/4.0) - 1.0)
            ah = 0.128 * exp((17.0 - v + v_offset)/18.0)
            bn = 0.5   * exp ((10.0 - v + v_offset)/40.0)
            bm = 0.28  * (v - v_offset - 40.0) / (exp((v - v_offset - 40.0)/5.0) - 1.0)
            bh = 4.0/(1.0 + exp (( 10.0 - v + v_offset )) )
            dn/dt = an * (1.0 - n) - bn * n : init = 0.0, exponential
            dm/dt = am * (1.0 - m) - bm * m : init = 0.0, exponential
            dh/dt = ah * (1.0 - h) - bh * h : init = 1.0, exponential
            cm * dv/dt = gleak*(e_rev_leak -v) + gbar_K * n**4 * (e_rev_K - v) + gbar_Na * m**3 * h * (e_rev_Na - v)
                         + g_exc * (e_rev_E - v) + g_inh * (e_rev_I - v) + i_offset: exponential, init=-65.0
            tau_syn_E * dg_exc/dt = - g_exc : exponential
            tau_syn_I * dg_inh/dt = - g_inh : exponential
        ",
        spike: "(v > v_thresh) and (prev_v <= v_thresh)",
        reset: "",
    }
}

neuron! {
    /// The neuron of ANNarchy's `PoissonPopulation`: spikes with probability
    /// `rates * dt / 1000` per step (`rates` in Hz, per neuron).
    pub struct Poisson {
        runtime: ::annarchy_runtime,
        name: "Poisson",
        description: "Spiking neuron with spikes emitted according to a Poisson distribution.",
        parameters: "rates = 10.0",
        equations: "p = Uniform(0.0, 1.0) * 1000.0 / dt",
        spike: "p < rates",
        reset: "",
    }
}

neuron! {
    /// The neuron of ANNarchy's `HomogeneousCorrelatedSpikeTrains`: Poisson
    /// spike trains whose common rate `x` follows an Ornstein-Uhlenbeck
    /// process of mean `mu`, deviation `sigma` and time constant `tau` (ms),
    /// so that spikes are correlated across neurons. Create it with
    /// [`homogeneous_correlated_spike_trains`](crate::homogeneous_correlated_spike_trains).
    pub struct HomogeneousCorrelated {
        runtime: ::annarchy_runtime,
        name: "HomogeneousCorrelated",
        description: "Homogeneous correlated spike trains.",
        parameters: "
            tau = 1.0 : population
            mu = 0.0 : population
            sigma = 0.0 : population
        ",
        equations: "
            x += dt*(mu - x)/tau + sqrt(dt/tau) * sigma * Normal(0.0, 1.0) : population
            p = Uniform(0.0, 1.0) * 1000.0 / dt
        ",
        spike: "p < x",
        reset: "",
    }
}
