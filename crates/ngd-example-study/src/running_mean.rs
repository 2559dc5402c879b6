//! The `running-mean` experiment: one run per (step schedule, repeat), each a checkpointed
//! recursion `x_t = x_{t−1} − η_t (x_{t−1} − z_t)` with `z_t ~ U[0, 2μ]`; `finish` writes the
//! error trajectories, their plot and the slope claim.
//!
//! The draws are counter-based: `z_t` is a function of the run's seed and `t` (SplitMix64), so
//! a resumed run needs no generator state and gives the same numbers.

use ngd_harness::checkpointed::{Segmented, run_checkpointed};
use ngd_harness::config::{Preset, check_finite_positive, check_nonempty, check_positive};
use ngd_harness::context::{RunContext, splitmix64};
use ngd_harness::error::{ConfigError, Error, RunError};
use ngd_harness::experiment::{
    Claim, Experiment, ExperimentSummary, Figure, RunSpec, Runs, Verdict,
};
use ngd_harness::output::{ExperimentDir, FileDoc, OutputDocs};
use ngd_harness::plot::{LinePlot, Series, line_plot};
use serde::{Deserialize, Serialize};
use std::ops::ControlFlow;

/// Steps per checkpointed segment.
const SEGMENT: u64 = 100;

/// The step size `η_t`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Schedule {
    /// `η_t = 1/t`: the running sample mean.
    Harmonic,
    /// `η_t = eta`.
    Constant {
        /// The step, in `(0, 1]`.
        eta: f64,
    },
}

impl Schedule {
    fn step(self, t: u64) -> f64 {
        match self {
            Schedule::Harmonic => 1.0 / t as f64,
            Schedule::Constant { eta } => eta,
        }
    }

    fn id(self) -> String {
        match self {
            Schedule::Harmonic => "harmonic".into(),
            Schedule::Constant { eta } => format!("constant-{eta}"),
        }
    }
}

/// The config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunningMeanConfig {
    /// The mean `μ > 0` to estimate.
    pub mean: f64,
    /// Steps `T` per run.
    pub steps: u64,
    /// The step schedules compared.
    pub schedules: Vec<Schedule>,
    /// Independent repeats per schedule.
    pub repeats: usize,
}

/// One run's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunParams {
    /// The schedule.
    pub schedule: Schedule,
    /// Repeat index.
    pub repeat: usize,
}

/// One run's output: `(t, |x_t − μ|)` at steps 1, 2, 4, 8, … and `T`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunOutput {
    /// The recorded errors.
    pub errors: Vec<(u64, f64)>,
}

/// The recursion of one run.
struct Recursion {
    mean: f64,
    schedule: Schedule,
    seed: u64,
    total: u64,
    t: u64,
    x: f64,
    errors: Vec<(u64, f64)>,
}

impl Segmented for Recursion {
    type State = (u64, f64, Vec<(u64, f64)>);

    fn step(&self) -> u64 {
        self.t
    }

    fn save(&self) -> Self::State {
        (self.t, self.x, self.errors.clone())
    }

    fn load(&mut self, (t, x, errors): Self::State) -> Result<(), RunError> {
        (self.t, self.x, self.errors) = (t, x, errors);
        Ok(())
    }

    fn advance(&mut self, ctx: &mut RunContext) -> Result<ControlFlow<()>, RunError> {
        let end = (self.t + SEGMENT).min(self.total);
        while self.t < end {
            self.t += 1;
            // A uniform draw in [0, 1) from the top 53 bits of SplitMix64(seed + t).
            let u = (splitmix64(self.seed.wrapping_add(self.t)) >> 11) as f64 / (1u64 << 53) as f64;
            let z = 2.0 * self.mean * u;
            self.x -= self.schedule.step(self.t) * (self.x - z);
            if self.t.is_power_of_two() || self.t == self.total {
                self.errors.push((self.t, (self.x - self.mean).abs()));
            }
        }
        ctx.progress(self.t, self.total);
        Ok(if self.t == self.total {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        })
    }
}

/// The least-squares slope of `log error` against `log t` over `t ≥ 10`.
fn log_log_slope(points: &[(f64, f64)]) -> Option<f64> {
    let pts: Vec<(f64, f64)> = (points.iter())
        .filter(|p| p.0 >= 10.0 && p.1 > 0.0)
        .map(|p| (p.0.ln(), p.1.ln()))
        .collect();
    let n = pts.len() as f64;
    let (mx, my) = pts
        .iter()
        .fold((0.0, 0.0), |a, p| (a.0 + p.0 / n, a.1 + p.1 / n));
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    (pts.len() >= 2 && sxx > 0.0).then(|| sxy / sxx)
}

/// The `running-mean` experiment.
#[derive(Debug, Clone, Copy, Default)]
pub struct RunningMean;

#[derive(Serialize)]
struct Row {
    run_id: String,
    schedule: String,
    repeat: usize,
    step: u64,
    abs_error: f64,
}

impl Experiment for RunningMean {
    type Config = RunningMeanConfig;
    type Params = RunParams;
    type RunOutput = RunOutput;

    fn name(&self) -> &'static str {
        "running-mean"
    }

    fn description(&self) -> &'static str {
        "Stochastic estimation of a mean: harmonic step (running mean) against a constant step"
    }

    fn config(&self, preset: Preset) -> RunningMeanConfig {
        let (steps, repeats) = match preset {
            Preset::Quick => (4096, 16),
            Preset::Paper => (1 << 20, 64),
        };
        RunningMeanConfig {
            mean: 1.0,
            steps,
            schedules: vec![Schedule::Harmonic, Schedule::Constant { eta: 0.05 }],
            repeats,
        }
    }

    fn validate(&self, c: &RunningMeanConfig) -> Result<(), ConfigError> {
        check_finite_positive("mean", c.mean)?;
        check_positive("steps", c.steps)?;
        check_positive("repeats", c.repeats as u64)?;
        check_nonempty("schedules", &c.schedules)?;
        for s in &c.schedules {
            if let Schedule::Constant { eta } = *s
                && !(eta > 0.0 && eta <= 1.0)
            {
                return Err(ConfigError::out_of_range(
                    "schedules.eta",
                    eta,
                    "a step in (0, 1]",
                ));
            }
        }
        Ok(())
    }

    fn plan(&self, c: &RunningMeanConfig) -> Vec<RunSpec<RunParams>> {
        (c.schedules.iter())
            .flat_map(|&schedule| {
                (0..c.repeats).map(move |repeat| RunSpec {
                    id: format!("{}-r{repeat}", schedule.id()),
                    cost: c.steps,
                    params: RunParams { schedule, repeat },
                })
            })
            .collect()
    }

    fn run(
        &self,
        c: &RunningMeanConfig,
        spec: &RunSpec<RunParams>,
        ctx: &mut RunContext,
    ) -> Result<RunOutput, RunError> {
        let mut recursion = Recursion {
            mean: c.mean,
            schedule: spec.params.schedule,
            seed: ctx.seed(),
            total: c.steps,
            t: 0,
            x: 0.0,
            errors: Vec::new(),
        };
        run_checkpointed(ctx, &mut recursion)?;
        Ok(RunOutput {
            errors: recursion.errors,
        })
    }

    fn finish(
        &self,
        c: &RunningMeanConfig,
        runs: &Runs<RunParams, RunOutput>,
        out: &ExperimentDir,
    ) -> Result<ExperimentSummary, Error> {
        let done: Vec<_> = (runs.iter())
            .filter_map(|(s, r)| r.output().map(|o| (s, o)))
            .collect();
        let rows: Vec<Row> = (done.iter())
            .flat_map(|(s, o)| {
                o.errors.iter().map(|&(step, abs_error)| Row {
                    run_id: s.id.clone(),
                    schedule: s.params.schedule.id(),
                    repeat: s.params.repeat,
                    step,
                    abs_error,
                })
            })
            .collect();
        out.write_csv("data.csv", &rows)?;
        let mut plot = LinePlot::new(
            "Mean absolute error of the estimate over repeats",
            "step t",
            "|x_t − μ|",
        );
        (plot.x_log, plot.y_log) = (true, true);
        let mut summary = ExperimentSummary {
            title: "Example study — stochastic estimation of a mean".into(),
            ..Default::default()
        };
        for &schedule in &c.schedules {
            let mine: Vec<_> = done
                .iter()
                .filter(|(s, _)| s.params.schedule == schedule)
                .collect();
            let Some((_, first)) = mine.first() else {
                continue;
            };
            let mean_errors: Vec<(f64, f64)> = (first.errors.iter().enumerate())
                .map(|(i, &(t, _))| {
                    let sum: f64 = mine.iter().map(|(_, o)| o.errors[i].1).sum();
                    (t as f64, sum / mine.len() as f64)
                })
                .collect();
            if schedule == Schedule::Harmonic {
                let slope = log_log_slope(&mean_errors);
                let ok = slope.is_some_and(|s| (s + 0.5).abs() <= 0.15);
                summary.claims.push(Claim {
                    claim: "With the harmonic step the error falls like t^(−1/2)".into(),
                    measured: format!(
                        "log-log slope of the mean error over {} repeats (t ≥ 10): {}",
                        mine.len(),
                        slope.map_or("undefined".into(), |s| format!("{s:.3}"))
                    ),
                    verdict: if ok {
                        Verdict::Reproduced
                    } else {
                        Verdict::NotReproduced
                    },
                    reason: "reproduced if the slope is within 0.15 of −0.5".into(),
                });
            }
            plot.series.push(Series::new(schedule.id(), mean_errors));
        }
        line_plot(&out.path("errors"), &plot)?;
        summary.figures.push(Figure {
            name: "errors".into(),
            caption: "Mean |x_t − μ| over repeats against the step, per schedule.".into(),
        });
        Ok(summary)
    }

    fn outputs(&self, _config: &RunningMeanConfig) -> OutputDocs {
        OutputDocs {
            files: vec![FileDoc::csv(
                "data.csv",
                "Every run's error trajectory, one row per run × recorded step.",
                &[
                    ("run_id", "run id (schedule and repeat)"),
                    ("schedule", "the step schedule η_t"),
                    ("repeat", "repeat index (its own draws z_t)"),
                    ("step", "step t"),
                    ("abs_error", "|x_t − μ|"),
                ],
            )],
            notes: Vec::new(),
        }
    }
}
