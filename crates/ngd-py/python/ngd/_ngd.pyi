"""Type stubs of the Rust extension module ``ngd._ngd`` (re-exported by the ngd submodules).

Array arguments (``ArrayLike``): float64 arrays of any layout are read without a copy
(negative-stride views are copied); float32, float16, integer arrays and sequences are
converted to float64; other dtypes raise ``TypeError``; wrong shapes raise
``ngd.ShapeError``. Results are new C-ordered float64 arrays.
"""

from os import PathLike
from typing import Callable, Dict, List, Literal, Optional, Sequence, Tuple, Union

import numpy as np
import numpy.typing as npt

ArrayLike = npt.ArrayLike
F64Array = npt.NDArray[np.float64]

__version__: str

Route = Literal["auto", "kernel", "weighted", "min_norm", "paper_layerwise", "dense_beta"]
FactorMethodName = Literal["moore_penrose", "layer_split"]

# --- models ------------------------------------------------------------------------------

class DiagonalNet:
    """L-layer diagonal network ``beta = w_1 * ... * w_L``; ``weights`` is ``(L, D)``."""

    def __init__(self, weights: ArrayLike) -> None: ...
    @staticmethod
    def gaussian(depth: int, dim: int, scale: float, seed: int) -> DiagonalNet:
        """i.i.d. ``N(0, scale²)`` weights from Xoshiro256++ seeded with ``seed``."""
    @staticmethod
    def constant(depth: int, dim: int, value: float) -> DiagonalNet:
        """Every weight equal to ``value``."""
    @property
    def depth(self) -> int: ...
    @property
    def dim(self) -> int: ...
    @property
    def weights(self) -> F64Array:
        """A copy of the weights, ``(L, D)``."""
    def beta(self) -> F64Array:
        """``beta = prod_l w_l``, ``(D,)``."""
    def cofactors(self) -> F64Array:
        """``c_l = prod_{k != l} w_k``, ``(L, D)``."""
    def jacobian(self) -> F64Array:
        """Dense ``d beta / d w``, ``(D, L*D)`` (weights flattened layer after layer)."""

class MatrixFactorization:
    """Deep matrix factorization ``beta = W_1 @ ... @ W_L`` of ``(D, D)`` factors."""

    def __init__(self, factors: Sequence[ArrayLike]) -> None: ...
    @staticmethod
    def gaussian(
        depth: int, dim: int, init_scale: float, seed: int, collapse: int = 1
    ) -> MatrixFactorization:
        """Arora et al.'s Gaussian init; each factor a product of ``collapse`` draws."""
    @property
    def depth(self) -> int: ...
    @property
    def dim(self) -> int: ...
    @property
    def factors(self) -> List[F64Array]:
        """Copies of ``[W_1, ..., W_L]``."""
    def product(self) -> F64Array:
        """``W_1 @ ... @ W_L``, ``(D, D)``."""
    def jacobian(self) -> F64Array:
        """Dense ``d vec(beta) / d (vec W_1, ..., vec W_L)``, ``(D², L·D²)``, column-major vec."""

class Model:
    """Any model of the open engine, on flat parameters ``w`` ``(P,)``; stateless."""

    @property
    def param_count(self) -> int:
        """``P``."""
    @property
    def input_dim(self) -> int:
        """``D``, the columns of ``x``."""
    @property
    def linear_in_input(self) -> bool:
        """``s = x @ beta(w)``: ``beta`` and the ``x=None`` forms are available."""
    def layers(self) -> List[Tuple[int, int]]:
        """Parameter blocks ``(start, stop)`` partitioning ``0..P``."""
    def outputs(self, w: ArrayLike, x: ArrayLike) -> F64Array:
        """``s = f(x; w)``, ``(N,)``."""
    def beta(self, w: ArrayLike) -> F64Array:
        """``beta(w)`` (models linear in the input only)."""
    def jvp(self, w: ArrayLike, v: ArrayLike, x: Optional[ArrayLike] = None) -> F64Array:
        """``J v``: ``(N,)`` with ``J = ds/dw`` on ``x``; ``(D_beta,)`` when ``x`` is None."""
    def vjp(self, w: ArrayLike, u: ArrayLike, x: Optional[ArrayLike] = None) -> F64Array:
        """``Jᵀ u``, ``(P,)``."""
    def jacobian(self, w: ArrayLike, x: Optional[ArrayLike] = None) -> F64Array:
        """``ds/dw`` ``(N, P)`` on ``x``, or ``dbeta/dw`` ``(D_beta, P)`` when ``x`` is None."""

class LinearModel(Model):
    def __init__(self, dim: int) -> None: ...

class DiagonalParametrization(Model):
    def __init__(self, depth: int, dim: int) -> None: ...

class FactorizationParametrization(Model):
    def __init__(self, depth: int, dim: int) -> None: ...

class DeepLinearNet(Model):
    def __init__(self, dim: int, hidden: Sequence[int]) -> None: ...

class TwoLayerTanh(Model):
    def __init__(self, dim: int, hidden: int) -> None: ...

class TwoLayerRelu(Model):
    def __init__(self, dim: int, hidden: int) -> None: ...

# --- natural gradients -------------------------------------------------------------------

class DiagNaturalGradient:
    """A diagonal-network natural gradient and how it was computed."""

    direction: F64Array
    """``g``, ``(L, D)``: step ``w - lr * g``."""
    route: str
    """The route that ran."""
    rank: int
    """Effective rank of the system solved."""
    fallback_from: Optional[str]
    """The route ``auto`` tried first before falling back to ``min_norm``."""
    condition: float
    """Condition estimate of the matrix the route factored."""
    accuracy: float
    """Estimated relative error of ``direction`` (checked against the library's bound)."""

class FactorNaturalGradient:
    """A factorization natural gradient and how it was computed."""

    directions: List[F64Array]
    """``[G_1, ..., G_L]``, each ``(D, D)``."""
    method: Literal["layer_split", "direct", "sylvester", "conjugate_gradient"]
    factor_ranks: List[Tuple[int, int]]
    """Layer split: ``(rank A_i, rank B_i)`` per layer."""
    operator_rank: Optional[int]
    """Direct / Sylvester: effective rank of ``J Jᵀ``."""
    iterations: int
    """Conjugate gradients: iterations performed."""

def diag_natural_gradient(
    x_signed: ArrayLike,
    margins: ArrayLike,
    cofactors: ArrayLike,
    *,
    route: Route = "auto",
    rcond: Optional[float] = None,
) -> DiagNaturalGradient:
    """``g = F(w)⁺ ∇_w L`` of the mean logistic loss; ``x_signed`` ``(N, D)``, ``margins``
    ``(N,)``, ``cofactors`` ``(L, D)``. Raises ``SingularError`` when a forced route's
    preconditions fail."""

def population_natural_gradient(
    x_signed: ArrayLike,
    margins: ArrayLike,
    cofactors: ArrayLike,
    x_population: ArrayLike,
    beta: ArrayLike,
    *,
    rcond: Optional[float] = None,
) -> DiagNaturalGradient:
    """Population-Fisher natural gradient; ``x_population`` ``(M, D)`` with ``M >= D``."""

def dense_natural_gradient(
    x_signed: ArrayLike, margins: ArrayLike, cofactors: ArrayLike, *, rcond: Optional[float] = None
) -> Tuple[F64Array, int]:
    """Brute-force ``pinv(F(w)) ∇_w L`` and ``rank F(w)`` (small problems)."""

def factorization_natural_gradient(
    factors: Sequence[ArrayLike],
    grad: ArrayLike,
    *,
    method: FactorMethodName = "moore_penrose",
    rcond: Optional[float] = None,
    cg_tolerance: float = 1e-10,
    cg_max_iterations: Optional[int] = None,
) -> FactorNaturalGradient:
    """Natural gradient of ``W_1 ... W_L`` under the squared loss for ``grad = ∇_β L``."""

def dense_factorization_natural_gradient(
    factors: Sequence[ArrayLike], grad: ArrayLike, *, rcond: Optional[float] = None
) -> Tuple[List[F64Array], int]:
    """Brute-force ``pinv(JᵀJ) Jᵀ vec G`` and its rank (small ``D``)."""

def diag_fisher_vector_product(
    x_signed: ArrayLike, margins: ArrayLike, cofactors: ArrayLike, v: ArrayLike
) -> F64Array:
    """``F(w) v`` for ``v`` ``(L, D)``, without forming ``F``."""

def factorization_fisher_vector_product(
    factors: Sequence[ArrayLike], v: Sequence[ArrayLike]
) -> List[F64Array]:
    """``F(w) V = Jᵀ J V`` for ``V = [V_1, ..., V_L]``."""

def logistic_gradient(x_signed: ArrayLike, margins: ArrayLike) -> F64Array:
    """``∇_β L = (1/N) X̃ᵀ ℓ'(u)``, ``(D,)``."""

def sample_fisher(x_signed: ArrayLike, margins: ArrayLike) -> F64Array:
    """``F(β) = (1/N) X̃ᵀ diag(φ(u)φ(-u)) X̃``, ``(D, D)``."""

def egd_ntk(x_signed: ArrayLike, cofactors: ArrayLike) -> F64Array:
    """Empirical NTK ``X̃ diag(Σ_l c_l²) X̃ᵀ``, ``(N, N)``."""

def natural_ntk(
    x_signed: ArrayLike, margins: ArrayLike, cofactors: ArrayLike, *, rcond: Optional[float] = None
) -> F64Array:
    """Natural NTK ``Θ`` with ``X̃ J g = Θ t``, ``t = -(1 + e^{-u})``, ``(N, N)``."""

def factorization_response(
    factors: Sequence[ArrayLike],
    e: ArrayLike,
    *,
    flow: Literal["egf", "ngf", "egd", "ngd"],
    eta: Optional[float] = None,
    method: FactorMethodName = "moore_penrose",
    rcond: Optional[float] = None,
    cg_tolerance: float = 1e-10,
    cg_max_iterations: Optional[int] = None,
) -> F64Array:
    """Response of ``W_1 ... W_L`` to the unit gradient ``e`` (Fig. 3); ``eta`` for steps."""

Loss = Literal["logistic", "squared"]
GenericRoute = Literal["auto", "kernel", "least_squares", "min_norm"]

class GenericNaturalGradient:
    """A natural gradient of any model and how it was computed."""

    direction: F64Array
    """``g``, ``(P,)``: step ``w - lr * g``."""
    route: str
    """``kernel``, ``least_squares``, ``min_norm``, ``damped_output_space``, ``diagonal``,
    ``block``, ``kfac``, …"""
    rank: int
    """Eigenvalues of the curvature kept (damped: ``P``)."""
    condition: float
    """``λ_max / λ_min`` of the kept spectrum (damped: with ``λ`` added; K-FAC: NaN)."""
    largest_eigenvalue: float
    damping: float
    """The absolute ``λ`` applied (0 for Moore–Penrose)."""
    fallback_from: Optional[str]

def natural_gradient_generic(
    model: Model,
    w: ArrayLike,
    x: ArrayLike,
    y: ArrayLike,
    *,
    loss: Loss = "logistic",
    route: GenericRoute = "auto",
    rcond: Optional[float] = None,
    damping: Optional[float] = None,
    relative_damping: Optional[float] = None,
    curvature: Literal["fisher", "empirical"] = "fisher",
    approximation: Optional[Literal["diagonal", "block", "kfac"]] = None,
    kfac_damping: Literal["heuristic", "exact"] = "heuristic",
) -> GenericNaturalGradient:
    """``C⁺ ∇_w L`` (exact), ``(C + λI)⁻¹ ∇_w L`` (damped) or an approximation of it."""

def tangent_kernel(model: Model, w: ArrayLike, x: ArrayLike) -> F64Array:
    """``J Jᵀ``, ``(N, N)``."""

def natural_tangent_kernel(
    model: Model, w: ArrayLike, x: ArrayLike, y: ArrayLike, *, loss: Loss = "logistic",
    rcond: Optional[float] = None,
) -> F64Array:
    """``Θ_nat = S^{-1/2} P S^{1/2}``, ``(N, N)``: ``J g = Θ_nat r``."""

# --- runs --------------------------------------------------------------------------------

Callback = Callable[[int, float, F64Array], Optional[bool]]

class Trajectory:
    """A recorded run."""

    steps: npt.NDArray[np.int64]
    losses: F64Array
    weights: F64Array
    """``(T, L, D)``."""
    betas: F64Array
    """``(T, D)``."""
    stop: Literal["budget", "loss_below", "callback", "diverged"]
    stop_detail: Optional[str]
    final_step: int
    final_loss: Optional[float]
    model: DiagonalNet
    last_route: Optional[str]

def egd(
    model: DiagonalNet,
    x: ArrayLike,
    y: Optional[ArrayLike] = None,
    *,
    lr: float,
    steps: int,
    step: Literal["fixed", "loss_normalized"] = "fixed",
    loss_below: Optional[float] = None,
    divergence_factor: Optional[float] = 1e4,
    points_per_decade: int = 10,
    callback: Optional[Callback] = None,
) -> Trajectory:
    """Full-batch EGD on the mean logistic loss from a copy of ``model``."""

def ngd(
    model: DiagonalNet,
    x: ArrayLike,
    y: Optional[ArrayLike] = None,
    *,
    lr: float,
    steps: int,
    route: Route = "auto",
    rcond: Optional[float] = None,
    x_population: Optional[ArrayLike] = None,
    loss_below: Optional[float] = None,
    divergence_factor: Optional[float] = 1e4,
    points_per_decade: int = 10,
    callback: Optional[Callback] = None,
) -> Trajectory:
    """Full-batch NGD with a fixed step from a copy of ``model``."""

class GenericTrajectory:
    """A recorded run of any model."""

    steps: npt.NDArray[np.int64]
    losses: F64Array
    params: F64Array
    """``(T, P)``."""
    stop: str
    stop_detail: Optional[str]
    final_step: int
    final_loss: Optional[float]
    final_params: F64Array
    last_route: Optional[str]
    last_rank: Optional[int]
    last_condition: Optional[float]

def egd_generic(
    model: Model, w0: ArrayLike, x: ArrayLike, y: ArrayLike, *, lr: float, steps: int,
    loss: Loss = "logistic", step: Literal["fixed", "loss_normalized"] = "fixed",
    loss_below: Optional[float] = None, divergence_factor: Optional[float] = 1e4,
    points_per_decade: int = 10,
    callback: Optional[Callable[[int, float, F64Array], Optional[bool]]] = None,
) -> GenericTrajectory: ...

def ngd_generic(
    model: Model, w0: ArrayLike, x: ArrayLike, y: ArrayLike, *, lr: float, steps: int,
    loss: Loss = "logistic",
    step_size: Literal["fixed", "backtracking", "relative_cap"] = "fixed",
    cap: Optional[float] = None, route: GenericRoute = "auto", rcond: Optional[float] = None,
    damping: Optional[float] = None, relative_damping: Optional[float] = None,
    curvature: Literal["fisher", "empirical"] = "fisher",
    approximation: Optional[Literal["diagonal", "block", "kfac"]] = None,
    kfac_damping: Literal["heuristic", "exact"] = "heuristic",
    loss_below: Optional[float] = None, divergence_factor: Optional[float] = 1e4,
    points_per_decade: int = 10,
    callback: Optional[Callable[[int, float, F64Array], Optional[bool]]] = None,
) -> GenericTrajectory: ...

def toy_2d(seed: int) -> Tuple[F64Array, F64Array]:
    """The 2-D toy set of Fig. 2: ``x`` ``(20, 2)``, ``y`` ``(20,)``."""

# --- experiments -------------------------------------------------------------------------

def run(
    name: str,
    *,
    preset: Literal["quick", "paper"] = "quick",
    out: Union[str, PathLike[str]],
    set: Sequence[str] = ...,
    seed: int = 0,
    resume: bool = False,
    checkpoint_every: str = "300s",
) -> Dict[str, object]:
    """Runs an experiment in-process (one worker); returns ``path``, ``executed``,
    ``reused``, ``diverged``, ``wall_seconds``."""

def list_experiments() -> Dict[str, str]:
    """``{name: description}`` of the registered experiments."""
