"""The trust base: every textbook fact a proof step may cite, stated exactly, in one list.

A proof step of `Method.AXIOM` names one of these IDs (`genaccess.spec.proof.by_axiom`); no
other fact enters a proof unchecked. `genaccess axioms` prints, per claim, the ones it rests
on through the claims it uses. Adding an axiom is a review decision: state it exactly, with
a reference where its proof can be read.
"""

from __future__ import annotations

from genaccess.spec.proof import Axiom

AXIOMS: tuple[Axiom, ...] = (
    Axiom("union_bound", "Union bound (Boole's inequality)",
          "For events A_1, ..., A_n of one probability space, "
          "P(A_1 or ... or A_n) <= P(A_1) + ... + P(A_n).",
          "any probability text, e.g. Billingsley, Probability and Measure, 3rd ed., sec. 2"),
    Axiom("hoeffding", "Hoeffding's inequality",
          "For independent X_1..X_n with values in [a_i, b_i] and S = sum X_i, every t > 0: "
          "P(S - E S >= t) <= exp(-2 t^2 / sum (b_i - a_i)^2), and the same for E S - S.",
          "Hoeffding (1963), Theorem 2; Boucheron, Lugosi, Massart (2013), Theorem 2.8"),
    Axiom("ville", "Ville's maximal inequality",
          "For a nonnegative supermartingale (M_n) with M_0 = 1 and every delta in (0, 1): "
          "P(M_n >= 1/delta for some n >= 0) <= delta.",
          "Ville (1939); Durrett, Probability: Theory and Examples, 5th ed., Thm 4.4.2 "
          "(Doob's inequality for nonnegative supermartingales)"),
    Axiom("likelihood_ratio_martingale", "Likelihood ratios are martingales",
          "If X_1, X_2, ... are i.i.d. with law P and Q << P on one step, the product "
          "M_n = prod_{i<=n} q(X_i)/p(X_i) is a nonnegative martingale under P with M_0 = 1 "
          "(for any stopping rule adapted to the X_i).",
          "Durrett, Probability: Theory and Examples, 5th ed., Example 4.2.3"),
    Axiom("map_optimal", "The MAP rule maximises success",
          "For a finite hypothesis set with prior w and an observation X with law P_h under "
          "h, every (possibly randomised) estimator g satisfies P(g(X) = h) <= "
          "sum_x max_h w(h) P_h(x), with equality for g(x) in argmax_h w(h) P_h(x).",
          "Bayes decision theory; e.g. Lehmann and Casella, Theory of Point Estimation, "
          "2nd ed., sec. 4.1"),
    Axiom("bayes_rule", "Bayes' rule on a countable space",
          "For a prior w on a finite set of hypotheses and an observation X on a countable "
          "set with law P_h under h: P(h and X = x) = w(h) P_h(x), and P(h | X = x) = "
          "w(h) P_h(x) / sum_h' w(h') P_h'(x); so for any event A of X, P(A and h != d(X)) "
          "= E[1{X in A} P(h != d(X) | X)].",
          "any probability text, e.g. Billingsley, Probability and Measure, 3rd ed., "
          "sec. 33 (here X is the stopped sample path of a capped test, a finite set)"),
    Axiom("data_processing", "Garbling cannot help (data processing)",
          "If Y = G(X) for a Markov kernel G that does not depend on the hypothesis, then "
          "the best success of an estimator from Y is at most the best success from X (an "
          "estimator from Y composed with G is an estimator from X).",
          "Blackwell (1951), the easy direction; Cover and Thomas, Elements of Information "
          "Theory, 2nd ed., sec. 2.8"),
    Axiom("le_cam_two_point", "Le Cam's two-point bound",
          "For two laws P, Q of one observation and a test phi, "
          "P(phi = Q) + Q(phi = P) >= 1 - TV(P, Q); so with prior 1/2 each, success "
          "<= (1 + TV(P, Q)) / 2.",
          "Le Cam (1973); Tsybakov, Introduction to Nonparametric Estimation, Lemma 2.1"),
    Axiom("pinsker", "Pinsker's inequality",
          "For laws P, Q on one finite set: TV(P, Q) <= sqrt(KL(P || Q) / 2).",
          "Tsybakov, Introduction to Nonparametric Estimation, Lemma 2.5"),
    Axiom("gibbs_variational", "Gibbs variational principle",
          "For a law p on a finite set, a function r and lambda > 0, over all laws q: "
          "E_q[r] - lambda KL(q || p) <= lambda ln E_p[exp(r / lambda)], with equality "
          "exactly at q = p exp(r / lambda) / E_p[exp(r / lambda)].",
          "Donsker and Varadhan (1975); Catoni, PAC-Bayesian Supervised Classification "
          "(2007), sec. 1.2"),
)
"""The axioms, each once; `AXIOM_IDS` indexes them."""

AXIOM_IDS: dict[str, Axiom] = {a.id: a for a in AXIOMS}


def axiom(axiom_id: str) -> Axiom:
    """The axiom named `axiom_id` (`KeyError` names the known ones)."""
    try:
        return AXIOM_IDS[axiom_id]
    except KeyError:
        raise KeyError(f"unknown axiom {axiom_id!r}; known: {', '.join(AXIOM_IDS)}") from None
