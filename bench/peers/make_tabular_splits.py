#!/usr/bin/python3
"""Writes 80/20 train/test CSV splits of four small tabular sets bundled with scikit-learn.

Usage: make_tabular_splits.py OUTDIR [--seed S] [--data-dir DIR]

Reads iris.csv, wine_data.csv, breast_cancer.csv and boston_house_prices.csv directly with the
csv module from scikit-learn's datasets/data folder (Debian's python3-sklearn 1.2 installs them in
/usr/lib/python3/dist-packages/sklearn/datasets/data; BSD-3-Clause) and writes, for each set,
OUTDIR/NAME-train.csv and OUTDIR/NAME-test.csv (NAME: iris, wine, breast_cancer, boston) with one
plain header row of column names and the target last:

  iris           sepal_length,sepal_width,petal_length,petal_width,species   (setosa|versicolor|virginica)
  wine           load_wine's 13 feature names, class                          (class_0|class_1|class_2)
  breast_cancer  load_breast_cancer's 30 feature names with _ for spaces, diagnosis (malignant|benign)
  boston         the file's own header CRIM,...,LSTAT,MEDV                     (MEDV numeric)

Class labels are written as text. The split is
sklearn.model_selection.train_test_split(test_size=0.2, random_state=seed), stratified by the
class for the three classification sets. Every number is written as repr(float(field)), so the
value read back is the double the bundled file describes (integers such as 127 become 127.0).
"""
import argparse
import csv
import os
import sys

from sklearn.model_selection import train_test_split

WINE_FEATURES = [
    "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium", "total_phenols", "flavanoids",
    "nonflavanoid_phenols", "proanthocyanins", "color_intensity", "hue", "od280/od315_of_diluted_wines",
    "proline",
]
_CELL = ["radius", "texture", "perimeter", "area", "smoothness", "compactness", "concavity",
         "concave_points", "symmetry", "fractal_dimension"]
# load_breast_cancer's order: "mean radius", ..., "radius error", ..., "worst radius", ...
BREAST_CANCER_FEATURES = ([f"mean_{c}" for c in _CELL] + [f"{c}_error" for c in _CELL]
                          + [f"worst_{c}" for c in _CELL])
IRIS_FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]

# name -> (bundled file, feature names, target column)
CLASSIFICATION = {
    "iris": ("iris.csv", IRIS_FEATURES, "species"),
    "wine": ("wine_data.csv", WINE_FEATURES, "class"),
    "breast_cancer": ("breast_cancer.csv", BREAST_CANCER_FEATURES, "diagnosis"),
}


def default_data_dir():
    import sklearn.datasets
    return os.path.join(os.path.dirname(sklearn.datasets.__file__), "data")


def number(text):
    return repr(float(text))


def read_classification(path, features):
    """Preamble 'n_samples,n_features,class names...', then rows of features and a class index."""
    with open(path, newline="") as f:
        rows = csv.reader(f)
        preamble = next(rows)
        n_samples, n_features = int(preamble[0]), int(preamble[1])
        class_names = [c for c in preamble[2:] if c]
        if n_features != len(features):
            sys.exit(f"{path}: {n_features} features, expected {len(features)}")
        data, labels = [], []
        for row in rows:
            if not row:
                continue
            if len(row) != n_features + 1:
                sys.exit(f"{path}: row {len(data) + 2} has {len(row)} fields, expected {n_features + 1}")
            data.append([number(v) for v in row[:-1]] + [class_names[int(row[-1])]])
            labels.append(int(row[-1]))
    if len(data) != n_samples:
        sys.exit(f"{path}: {len(data)} rows, the preamble says {n_samples}")
    return data, labels


def read_boston(path):
    """Preamble '506,13,,,...', then a quoted header line, then rows with MEDV last."""
    with open(path, newline="") as f:
        rows = csv.reader(f)
        preamble = next(rows)
        n_samples, n_features = int(preamble[0]), int(preamble[1])
        header = next(rows)
        if len(header) != n_features + 1 or header[-1] != "MEDV":
            sys.exit(f"{path}: unexpected header {header}")
        data = [[number(v) for v in row] for row in rows if row]
    if len(data) != n_samples or any(len(r) != n_features + 1 for r in data):
        sys.exit(f"{path}: expected {n_samples} rows of {n_features + 1} fields")
    return header, data


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    p.add_argument("--seed", type=int, default=1, help="random_state of train_test_split (default 1)")
    p.add_argument("--data-dir", default=None, help="scikit-learn's datasets/data folder (default: the installed one)")
    args = p.parse_args()
    data_dir = args.data_dir or default_data_dir()
    os.makedirs(args.outdir, exist_ok=True)

    sets = []
    for name, (file, features, target) in CLASSIFICATION.items():
        rows, labels = read_classification(os.path.join(data_dir, file), features)
        train, test = train_test_split(rows, test_size=0.2, random_state=args.seed, stratify=labels)
        sets.append((name, features + [target], train, test))
    header, rows = read_boston(os.path.join(data_dir, "boston_house_prices.csv"))
    train, test = train_test_split(rows, test_size=0.2, random_state=args.seed)
    sets.append(("boston", header, train, test))

    for name, header, train, test in sets:
        write(os.path.join(args.outdir, f"{name}-train.csv"), header, train)
        write(os.path.join(args.outdir, f"{name}-test.csv"), header, test)
        print(f"{name}: {len(train)} train, {len(test)} test, target {header[-1]}", file=sys.stderr)


if __name__ == "__main__":
    main()
