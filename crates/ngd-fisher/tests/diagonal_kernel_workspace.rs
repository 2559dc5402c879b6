//! The kernel route on problems larger than the blocks of the triangular kernel product
//! (N > 128 rows, D > 256 columns), with a workspace reused across calls of different sizes:
//! against the dense brute force `pinv(F(w)) ∇_w` and against the plain formula (full product
//! `X̃ (X̃ diag(s))ᵀ`, Cholesky by `spd_solve`, `g_l = c_l ⊙ X̃ᵀ a`).

mod common;

use common::{cofactors, diag_problem, rel_err};
use ndarray::{Array2, ArrayView1, ArrayView2, Axis, ShapeBuilder};
use ngd_fisher::diagonal::{DiagWorkspace, dense_natural_gradient, diag_natural_gradient_with};
use ngd_fisher::linalg::spd_solve;
use ngd_fisher::{Cutoff, DiagOptions, Route, RouteChoice, diag_natural_gradient};

fn kernel_options() -> DiagOptions {
    DiagOptions {
        cutoff: Cutoff::default(),
        route: RouteChoice::Force(Route::Kernel),
    }
}

/// The kernel route written out with full products (the implementation before the workspace).
fn plain_kernel_route(
    x: ArrayView2<'_, f64>,
    u: ArrayView1<'_, f64>,
    c: ArrayView2<'_, f64>,
) -> Array2<f64> {
    let s = c.mapv(|v| v * v).sum_axis(Axis(0));
    let k = x.dot(&(&x * &s.view().insert_axis(Axis(0))).t());
    let t = u.mapv(|m| -(1.0 + (-m).exp()));
    let a = spd_solve(k.view(), t.view(), Cutoff::default(), "K").unwrap();
    &c * &x.t().dot(&a).insert_axis(Axis(0))
}

#[test]
fn kernel_route_with_reused_workspace_matches_references() {
    let mut workspace = DiagWorkspace::new();
    // N < D and N = D across the block sizes, then a small problem (the workspace shrinks),
    // then the first problem again (it grows back).
    let shapes = [(150, 300, 2), (130, 130, 3), (9, 14, 2), (150, 300, 2)];
    let mut worst_dense = 0.0_f64;
    let mut worst_plain = 0.0_f64;
    for (case, &(n, d, l)) in shapes.iter().enumerate() {
        let seed = if case == 3 { 900 } else { 900 + case as u64 };
        let (x, w, _, u) = diag_problem(seed, n, d, l, 2.0);
        let c = cofactors(&w);
        let g = diag_natural_gradient_with(
            x.view(),
            u.view(),
            c.view(),
            &kernel_options(),
            &mut workspace,
        )
        .unwrap();
        assert_eq!((g.route, g.rank), (Route::Kernel, n));
        let fresh = diag_natural_gradient(x.view(), u.view(), c.view(), &kernel_options()).unwrap();
        assert_eq!(
            g.direction, fresh.direction,
            "workspace reuse changed the result"
        );
        // A column-major X̃ (copied to row-major inside) gives the same bits.
        let mut x_column_major = Array2::zeros((n, d).f());
        x_column_major.assign(&x);
        let strided = diag_natural_gradient_with(
            x_column_major.view(),
            u.view(),
            c.view(),
            &kernel_options(),
            &mut workspace,
        )
        .unwrap();
        assert_eq!(g.direction, strided.direction, "column-major X̃");
        let (dense, _) =
            dense_natural_gradient(x.view(), u.view(), c.view(), Cutoff::default()).unwrap();
        let err_dense = rel_err(g.direction.view(), dense.view());
        let err_plain = rel_err(
            g.direction.view(),
            plain_kernel_route(x.view(), u.view(), c.view()).view(),
        );
        eprintln!("N={n} D={d} L={l}: vs dense {err_dense:.2e}, vs plain kernel {err_plain:.2e}");
        // Dense: pinv of the LD × LD Fisher, same bound as the other route tests. Plain: the
        // same formula with K summed in another order and solved by two `trtrs` instead of
        // `potrs`, so round-off times the condition of K (measured below 1e-14).
        assert!(
            err_dense <= 1e-9,
            "N = {n}, D = {d}: vs dense {err_dense:e}"
        );
        assert!(
            err_plain <= 1e-11,
            "N = {n}, D = {d}: vs plain {err_plain:e}"
        );
        worst_dense = worst_dense.max(err_dense);
        worst_plain = worst_plain.max(err_plain);
    }
    eprintln!("worst: vs dense {worst_dense:.2e}, vs plain kernel {worst_plain:.2e}");
}
