#!/usr/bin/env bash
# The main job on its built-in default, end to end. It generates a cohort (60 patients, four ROIs each, a
# hidden binary severity that changes the ROIs' texture). It extracts the study configuration (original +
# eight wavelet decompositions, all classes: 851 features per ROI) into one HDF5 store, selects features
# with LASSO, trains a logistic regression on them, and evaluates selection and classifier together with
# cross-validation. Results go to demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" --target radcore

out=demo
radcore=build/radcore
mkdir -p "$out"

echo "== 1. generate the cohort"
"$radcore" synth -o "$out/cohort" --patients 60 --seed 7

echo "== 2. extract 851 features per ROI into $out/features.h5"
"$radcore" extract --cohort "$out/cohort/manifest.csv" -p scripts/study.yaml --labels 2,3,4,5 \
  -o "$out/features.h5" --jobs "$(nproc)" --force
"$radcore" export "$out/features.h5" -o "$out/features.csv"

# Patients become rows of 4 x 851 = 3,404 features. The LASSO settings are shared by steps 3 and 5.
model_options=(--outcome "$out/cohort/outcome.csv" --outcome-column severity --by patient_id
  --folds 5 --seed 1 --rule 1se --n-alphas 20 --eps 1e-2 --drop-non-finite --max-correlation 0.9)

echo "== 3. select features with LASSO on the whole cohort"
"$radcore" select "$out/features.h5" "${model_options[@]}" -o "$out/model" 2>&1 | grep -v '^dropped '

echo "== 4. train a logistic regression on the selected features (apparent AUC, optimistic)"
"$radcore" train "$out/features.h5" --outcome "$out/cohort/outcome.csv" --outcome-column severity --by patient_id \
  --classifier logistic --selected "$out/model" -o "$out/classifier" 2>&1 | grep -v '^dropped ' | head -3

echo "== 5. evaluate honestly: selection and fitting inside each of 5 training folds"
"$radcore" evaluate "$out/features.h5" "${model_options[@]}" --cv 5 --classifier lasso --report "$out/evaluation" \
  2>&1 | grep -v '^dropped ' | head -12

echo "demo: features in $out/features.h5 ($out/features.csv), LASSO model and report.md in $out/model," \
  "classifier in $out/classifier, cross-validated ROC and predictions in $out/evaluation"
