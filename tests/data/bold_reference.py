"""Reference values of tests/bold.rs, computed with ANNarchy 4.8.2.6.

Run from any directory with ANNarchy 4.8.2.6 installed (it compiles the
network with g++; cython must be on the PATH):

    python tests/data/bold_reference.py

Two populations whose `r` follows a fixed trace of t (a sine per neuron plus a
pulse between 1000 and 2500 ms) drive seven BOLD monitors, one per balloon
model, one with explicit scale factors, one with normalize_input, one
started from the beginning; dt = 1 ms, 6000 ms. Every monitor records BOLD
and internal variables; bold_<case>.csv keeps every 50th step and the first
five recorded steps.

balloon_CN of ANNarchy 4.8.2.6 cannot be used as it is: its name is the tuple
("BoldNeuron CN",) (a trailing comma in PredefinedModels.py), which the
Monitor of the BOLD monitor fails to concatenate. The script sets the name to
"BoldNeuron CN"; nothing else changes. Population names must be unique, so
the second monitor of balloon_RN names its model "BOLD model RN normalized".
"""

import os

import ANNarchy as ann
from ANNarchy.extensions.bold import (
    BoldMonitor,
    balloon_CL,
    balloon_CN,
    balloon_maith2021,
    balloon_RL,
    balloon_RN,
    balloon_two_inputs,
)

HERE = os.path.dirname(os.path.abspath(__file__))

ann.setup(dt=1.0)

Trace = ann.Neuron(
    parameters="""
        a = 1.0
        b = 0.0
        omega = 0.0 : population
    """,
    equations="""
        pulse = if (t > 1000.0) and (t < 2500.0): b else: 0.0
        r = a * (1.0 + sin(omega * t)) + pulse
    """,
)

p1 = ann.Population(3, Trace, name="p1")
p1.a = [0.5, 1.0, 1.5]
p1.b = [1.0, 2.0, 3.0]
p1.omega = 0.006283185307179587  # 2 pi / 1000 ms
p2 = ann.Population(5, Trace, name="p2")
p2.a = [0.2, 0.4, 0.6, 0.8, 1.0]
p2.b = [0.5, 0.5, 1.0, 1.0, 4.0]
p2.omega = 0.008975979010256552  # 2 pi / 700 ms

single = ["I_CBF", "s", "f_in", "E", "q", "v", "f_out"]

cn = balloon_CN()
cn.name = "BoldNeuron CN"
# Population names must be unique: the second balloon_RN gets its own.
rn_normalized = balloon_RN()
rn_normalized.name = "BOLD model RN normalized"

cases = {
    "RN": BoldMonitor(populations=[p1, p2], bold_model=balloon_RN, recorded_variables=single),
    "RL": BoldMonitor(populations=[p1, p2], bold_model=balloon_RL, recorded_variables=single),
    "CN": BoldMonitor(
        populations=[p1, p2], bold_model=cn, scale_factor=[1.0, 0.5], recorded_variables=single
    ),
    "CL": BoldMonitor(
        populations=[p1, p2], bold_model=balloon_CL, recorded_variables=single, start=True
    ),
    "maith2021": BoldMonitor(
        populations=[p2], bold_model=balloon_maith2021, recorded_variables=single
    ),
    "two_inputs": BoldMonitor(
        populations=[p1, p2],
        bold_model=balloon_two_inputs,
        mapping={"I_CBF": "r", "I_CMRO2": "pulse"},
        recorded_variables=["I_CBF", "I_CMRO2", "s_CBF", "s_CMRO2", "f_in", "r", "q", "v", "f_out"],
    ),
    "RN_normalized": BoldMonitor(
        populations=[p1, p2],
        bold_model=rn_normalized,
        normalize_input=[500, 200],
        recorded_variables=single,
    ),
}

ann.compile(directory=os.path.join(os.getcwd(), "annarchy_bold_reference"))

START = 300  # ms (steps), when the monitors started later start
ann.simulate(START)
for name, m in cases.items():
    if name != "CL":
        m.start()
ann.simulate(6000 - START)

for name, m in cases.items():
    first = 0 if name == "CL" else START
    variables = m._recorded_variables
    data = {v: m.get(v)[:, 0] for v in variables}
    n = len(data[variables[0]])
    with open(os.path.join(HERE, f"bold_{name}.csv"), "w") as f:
        f.write(f"# ANNarchy {ann.__release__}, tests/data/bold_reference.py\n")
        f.write(",".join(["step"] + variables) + "\n")
        for i in range(n):
            step = first + i
            if step % 50 == 0 or i < 5:
                f.write(",".join([str(step)] + ["%.17g" % data[v][i] for v in variables]) + "\n")
