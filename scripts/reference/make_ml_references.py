#!/usr/bin/env python3
"""Write the scikit-learn outputs that the downstream-statistics tests compare radcore with.

Development only: the C++ tests read the committed CSVs under tests/reference/ml/, so CI needs no Python.
Run with the reference virtual environment (scikit-learn below 1.10):

    scripts/reference/.venv/bin/python scripts/reference/make_ml_references.py

What it writes (all numbers as Python repr, full precision):

- features.csv: a generated table in PyRadiomics batch layout (patient_id, Image, Mask, Label, a
  diagnostics column, then 40 features named original_<class>_<name>) for 120 patients, with features on
  different scales, a correlated pair (features 3 and 7) and four informative features (0, 3, 11, 25).
- outcome.csv: patient_id, label (0/1) and severity (continuous).
- folds.csv: patient_id, fold (0..4), from StratifiedKFold(5, shuffle=True, random_state=0) on label.
- lasso_path.csv: lasso_path on the z-scored features and centred severity, on scikit-learn's alpha grid.
- lasso_cv.csv / lasso_cv_choice.csv: LassoCV with the folds above on the z-scored features, for severity
  and label, and the per-fold standardised (Pipeline-equivalent) CV on the raw features.
- logistic.csv: unpenalised LogisticRegression on five z-scored features.
- l1_logistic.csv: L1 LogisticRegression (saga) at several λ with C = 1/(n·λ).
- auc.csv: roc_auc_score on scores with ties and on the logistic model's probabilities.
"""
import csv
import warnings
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LassoCV, LogisticRegression, lasso_path
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

OUT = Path(__file__).resolve().parents[2] / "tests" / "reference" / "ml"
N_PATIENTS = 120
N_FEATURES = 40
TOL = 1e-12
MAX_ITER = 10**6


def write_csv(name, header, rows):
    with open(OUT / name, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([repr(v) if isinstance(v, float) else v for v in row])


def make_table(rng):
    classes = ["firstorder", "glcm", "glrlm", "glszm", "shape"]
    names = [f"original_{classes[j % len(classes)]}_Feature{j:02d}" for j in range(N_FEATURES)]
    latent = rng.normal(size=(N_PATIENTS, N_FEATURES))
    latent[:, 7] = 0.95 * latent[:, 3] + 0.05 * latent[:, 7]  # a correlated pair (r about 0.998)
    scales = 10.0 ** rng.uniform(-2, 4, size=N_FEATURES)
    offsets = rng.normal(scale=5.0, size=N_FEATURES) * scales
    x = latent * scales + offsets
    signal = 1.2 * latent[:, 0] - 0.9 * latent[:, 3] + 0.6 * latent[:, 11] + 0.4 * latent[:, 25]
    severity = 2.0 + signal + rng.normal(scale=0.8, size=N_PATIENTS)
    label = (signal + rng.normal(scale=1.0, size=N_PATIENTS) > 0.0).astype(int)
    return names, x, severity, label


def alpha_grid(x, y, n_alphas=100, eps=1e-3):
    xc = x - x.mean(axis=0)
    yc = y - y.mean()
    alpha_max = np.max(np.abs(xc.T @ yc)) / len(y)
    return np.logspace(np.log10(alpha_max * eps), np.log10(alpha_max), n_alphas)[::-1]


def lasso_cv_rows(target_name, z, y, splits, alphas):
    model = LassoCV(alphas=alphas, cv=splits, tol=TOL, max_iter=MAX_ITER).fit(z, y)
    assert np.allclose(model.alphas_, alphas, rtol=0, atol=0)
    rows = []
    for k, alpha in enumerate(model.alphas_):
        rows.append([target_name, k, float(alpha)] + [float(v) for v in model.mse_path_[k]])
    return rows, float(model.alpha_)


def per_fold_standardised_cv(x, y, splits, alphas):
    """CV with StandardScaler fitted on each training part, the Pipeline way; returns the mean MSE."""
    errors = np.zeros((len(alphas), len(splits)))
    for f, (train, test) in enumerate(splits):
        scaler = StandardScaler().fit(x[train])
        z_train, z_test = scaler.transform(x[train]), scaler.transform(x[test])
        y_mean = y[train].mean()
        _, coefs, _ = lasso_path(z_train, y[train] - y_mean, alphas=alphas, tol=TOL, max_iter=MAX_ITER)
        predictions = z_test @ coefs + y_mean
        errors[:, f] = np.mean((y[test][:, None] - predictions) ** 2, axis=0)
    return errors.mean(axis=1)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(20261204)
    names, x, severity, label = make_table(rng)
    ids = [f"P{i:03d}" for i in range(N_PATIENTS)]

    header = ["patient_id", "Image", "Mask", "Label", "diagnostics_Versions_PyRadiomics"] + names
    write_csv("features.csv", header,
              [[ids[i], f"images/{ids[i]}.nrrd", f"masks/{ids[i]}.nrrd", 1, "generated"]
               + [float(v) for v in x[i]] for i in range(N_PATIENTS)])
    write_csv("outcome.csv", ["patient_id", "label", "severity"],
              [[ids[i], int(label[i]), float(severity[i])] for i in range(N_PATIENTS)])

    splits = list(StratifiedKFold(5, shuffle=True, random_state=0).split(x, label))
    fold_of = np.zeros(N_PATIENTS, dtype=int)
    for f, (_, test) in enumerate(splits):
        fold_of[test] = f
    write_csv("folds.csv", ["patient_id", "fold"], [[ids[i], int(fold_of[i])] for i in range(N_PATIENTS)])

    z = StandardScaler().fit_transform(x)

    # Gaussian LASSO path on centred severity.
    alphas = alpha_grid(z, severity)
    path_alphas, coefs, _ = lasso_path(z, severity - severity.mean(), alphas=alphas, tol=TOL, max_iter=MAX_ITER)
    write_csv("lasso_path.csv", ["alpha"] + names,
              [[float(path_alphas[k])] + [float(v) for v in coefs[:, k]] for k in range(len(path_alphas))])

    # LassoCV on z-scored data with the given folds, and the per-fold standardised variant.
    cv_rows, choice_rows = [], []
    for target_name, y in (("severity", severity), ("label", label.astype(float))):
        grid = alpha_grid(z, y)
        rows, alpha_best = lasso_cv_rows(target_name, z, y, splits, grid)
        cv_rows += rows
        choice_rows.append([target_name, "lassocv_global_scaling", alpha_best])
        mean_mse = per_fold_standardised_cv(x, y, splits, grid)
        choice_rows.append([target_name, "per_fold_scaling", float(grid[int(np.argmin(mean_mse))])])
    write_csv("lasso_cv.csv", ["target", "index", "alpha"] + [f"fold{f}" for f in range(5)], cv_rows)
    write_csv("lasso_cv_choice.csv", ["target", "cv", "alpha"], choice_rows)

    # Unpenalised logistic regression on five z-scored features (four informative, one noise).
    chosen = [0, 3, 11, 25, 30]
    logistic = LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-10, max_iter=10**5).fit(z[:, chosen], label)
    write_csv("logistic.csv", ["term", "coefficient"],
              [["(intercept)", float(logistic.intercept_[0])]]
              + [[names[j], float(c)] for j, c in zip(chosen, logistic.coef_[0])])
    probability = logistic.predict_proba(z[:, chosen])[:, 1]

    # L1 logistic regression with saga at a few λ, C = 1/(n·λ).
    lambda_max = alpha_grid(z, label.astype(float))[0]
    l1_rows = []
    for fraction in (0.9, 0.5, 0.3, 0.2, 0.1, 0.05):
        lam = lambda_max * fraction
        model = LogisticRegression(C=1.0 / (N_PATIENTS * lam), l1_ratio=1.0, solver="saga", tol=1e-10,
                                   max_iter=MAX_ITER).fit(z, label)
        l1_rows.append([float(lam), float(model.intercept_[0])] + [float(v) for v in model.coef_[0]])
    write_csv("l1_logistic.csv", ["lambda", "intercept"] + names, l1_rows)

    # AUCs: rounded scores give ties.
    tied = np.round(probability, 1)
    write_csv("auc_scores.csv", ["patient_id", "label", "probability", "tied"],
              [[ids[i], int(label[i]), float(probability[i]), float(tied[i])] for i in range(N_PATIENTS)])
    write_csv("auc.csv", ["score", "auc"],
              [["probability", float(roc_auc_score(label, probability))],
               ["tied", float(roc_auc_score(label, tied))]])
    write_csv("versions.csv", ["package", "version"],
              [["scikit-learn", sklearn.__version__], ["numpy", np.__version__]])


if __name__ == "__main__":
    with warnings.catch_warnings():
        warnings.simplefilter("error", category=sklearn.exceptions.ConvergenceWarning)
        main()
