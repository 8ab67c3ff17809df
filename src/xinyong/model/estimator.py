"""The risk model: gradient-boosted trees (LightGBM) with monotone constraints, calibrated by Platt scaling.

- Monotone constraints come from the indicator catalog's expected directions, so a firm never
  scores lower for having *more* penalties; after fitting, :func:`monotone_violations` checks the
  booster really obeys them (LightGBM docs, ``monotone_constraints``).
- Rows are weighted by 1/π, the inverse of their inclusion probability, which undoes the
  selection bias of risk-based sampling (Horvitz & Thompson 1952).
- Early stopping watches a later, out-of-time validation period; Platt scaling (Platt 1999), a
  two-parameter logistic map of the raw margin fitted on that period, turns scores into
  probabilities.  Its slope must be positive, so it keeps the booster's order.
- Training is deterministic: fixed seeds, ``deterministic=True``, column-wise histograms and a
  fixed thread count, so the same inputs give a byte-identical model file.

:class:`RiskModel` is a scikit-learn binary classifier: ``__init__`` stores its hyper-parameters,
``fit`` returns ``self`` and sets the learned state (names ending in ``_``), ``predict_proba`` gives
the two class columns, and it passes the scikit-learn estimator checks that apply to a binary
classifier on numeric tables (``tests/model/test_estimator.py``).  Polars frames are its input in
this project (categorical columns by name); numpy arrays work too, with columns named ``x0, x1, …``.
Without a validation period (``X_valid``), it boosts ``max_rounds`` trees and calibrates on the
training rows — for tests; the project always passes one.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import lightgbm as lgb
import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import Tags
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_array,
    check_consistent_length,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from xinyong.errors import InputFileError, UsageError
from xinyong.workspace import fsio
from xinyong.workspace.layout import METADATA_FILE, MODEL_FILE

THREADS = 2  # part of the model's identity: LightGBM results may differ across thread counts
# The hyper-parameters that metadata.json records (under "params") and a loaded model gets back.
RECORDED_PARAMS = (
    "learning_rate",
    "num_leaves",
    "min_data_in_leaf",
    "lambda_l2",
    "feature_fraction",
    "bagging_fraction",
    "seed",
)

# A table of indicators: a polars frame (the project's), or anything numpy reads as a 2-d array.
Table = pl.DataFrame | ArrayLike
Vector = NDArray[np.float64]


class RiskModel(ClassifierMixin, BaseEstimator):
    def __init__(
        self,
        *,
        monotone: dict[str, int] | None = None,
        categorical: tuple[str, ...] = (),
        learning_rate: float = 0.03,
        num_leaves: int = 15,
        min_data_in_leaf: int = 40,
        lambda_l2: float = 5.0,
        feature_fraction: float = 0.8,
        bagging_fraction: float = 0.8,
        max_rounds: int = 3000,
        early_stopping_rounds: int = 150,
        seed: int = 20261127,
    ) -> None:
        self.monotone = monotone
        self.categorical = categorical
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_data_in_leaf = min_data_in_leaf
        self.lambda_l2 = lambda_l2
        self.feature_fraction = feature_fraction
        self.bagging_fraction = bagging_fraction
        self.max_rounds = max_rounds
        self.early_stopping_rounds = early_stopping_rounds
        self.seed = seed

    def __sklearn_tags__(self) -> Tags:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing indicator is information; LightGBM splits on it
        tags.classifier_tags.multi_class = False
        return tags

    def lightgbm_params(self, features: list[str]) -> dict[str, Any]:
        monotone = self.monotone or {}
        return {
            "objective": "binary",
            "learning_rate": self.learning_rate,
            "num_leaves": self.num_leaves,
            "min_data_in_leaf": self.min_data_in_leaf,
            "lambda_l2": self.lambda_l2,
            "feature_fraction": self.feature_fraction,
            "bagging_fraction": self.bagging_fraction,
            "bagging_freq": 1,
            "monotone_constraints": [monotone.get(f, 0) for f in features],
            # "basic": the strict method. "advanced" can break the constraint (LightGBM issues #5358, #6155).
            "monotone_constraints_method": "basic",
            "seed": self.seed,
            "deterministic": True,
            "force_col_wise": True,
            "num_threads": THREADS,
            "verbosity": -1,
        }

    def fit(
        self,
        X: Table,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        *,
        X_valid: Table | None = None,
        y_valid: ArrayLike | None = None,
        sample_weight_valid: ArrayLike | None = None,
    ) -> Self:
        """Boost on (X, y), early-stopping on the validation period and Platt-calibrating on it."""
        frame = self._frame(X, reset=True)
        target, weight = self._target(y, frame), _check_sample_weight(sample_weight, frame, ensure_non_negative=True)
        if len(np.unique(target[weight > 0])) < 2:
            raise ValueError("only one class has rows of positive sample_weight; a binary classifier needs two")
        self.features_ = list(frame.columns)
        self.constraints_ = {f: (self.monotone or {}).get(f, 0) for f in self.features_}
        self.categories_ = {c: _vocabulary(frame, c) for c in self.categorical}
        train = lgb.Dataset(
            self._matrix(frame),
            target,
            weight=weight,
            feature_name=self.features_,
            categorical_feature=list(self.categorical),
            free_raw_data=False,
        )
        if X_valid is None:
            valid_frame, valid_target, valid_weight = frame, target, weight
            self.booster_ = lgb.train(self.lightgbm_params(self.features_), train, num_boost_round=self.max_rounds)
            self.best_iteration_ = self.booster_.current_iteration()
        else:
            valid_frame = self._frame(X_valid, reset=False)
            if y_valid is None:
                raise ValueError("X_valid needs y_valid")
            valid_target = self._encode(y_valid)
            valid_weight = _check_sample_weight(sample_weight_valid, valid_frame, ensure_non_negative=True)
            valid = lgb.Dataset(self._matrix(valid_frame), valid_target, weight=valid_weight, reference=train)
            self.booster_ = lgb.train(
                self.lightgbm_params(self.features_),
                train,
                num_boost_round=self.max_rounds,
                valid_sets=[valid],
                callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
            )
            self.best_iteration_ = self.booster_.best_iteration
        self.calibration_ = platt(self.margin(valid_frame), valid_target, valid_weight)
        self.monotone_violations_ = monotone_violations(self, frame)
        if self.monotone_violations_:
            raise AssertionError(f"fitted model breaks monotone constraints: {self.monotone_violations_}")
        self.metadata_ = self._metadata()
        return self

    # -- input ---------------------------------------------------------------------------------
    def _frame(self, X: Table, *, reset: bool) -> pl.DataFrame:
        """``X`` as a polars frame of the model's columns; sets (``reset``) or checks the feature count."""
        if isinstance(X, pl.DataFrame):
            if reset:
                self.n_features_in_ = X.width
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            return X
        array = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite="allow-nan")
        if reset:
            names = getattr(self, "feature_names_in_", None)
            columns = [str(n) for n in names] if names is not None else [f"x{i}" for i in range(array.shape[1])]
        else:
            columns = self.features_
        return pl.from_numpy(array, schema=columns, orient="row")

    def _target(self, y: ArrayLike | None, frame: pl.DataFrame) -> Vector:
        """Learn ``classes_`` (exactly two) and return ``y`` as 0/1 (1: ``classes_[1]``, a violation)."""
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None")
        labels = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"), warn=True)
        check_consistent_length(frame, labels)
        kind = type_of_target(labels, input_name="y", raise_unknown=True)
        if kind != "binary":
            raise ValueError(f"Only binary classification is supported. The type of the target is {kind}.")
        self.classes_ = np.unique(labels)
        if len(self.classes_) < 2:
            raise ValueError(f"y has one class only ({self.classes_[0]!r}); a binary classifier needs two")
        return self._encode(labels)

    def _encode(self, y: ArrayLike) -> Vector:
        labels = column_or_1d(check_array(y, ensure_2d=False, dtype=None, input_name="y"))
        unknown = set(np.unique(labels)) - set(self.classes_)
        if unknown:
            raise ValueError(f"y has labels the model was not fitted on: {sorted(unknown)}")
        return np.asarray(labels == self.classes_[1], dtype=np.float64)

    def encode(self, X: pl.DataFrame) -> pl.DataFrame:
        """The model's input in ``features_`` order: numbers as they are, categories as their codes.

        LightGBM (4.7+) predicts from a polars frame through Arrow, so scoring makes no dense copy
        of the indicators; Enum columns whose vocabulary is the model's are used as they are.
        """

        def column(name: str) -> pl.Expr:
            if name not in self.categories_:
                return pl.col(name)
            enum = pl.Enum(self.categories_[name])
            codes = pl.col(name) if X.schema[name] == enum else pl.col(name).cast(pl.Utf8).cast(enum, strict=False)
            return codes.to_physical()

        return X.select([column(name) for name in self.features_])

    def _matrix(self, X: pl.DataFrame) -> Vector:
        """Dense float matrix (NaN for missing), for building training data."""
        return self.encode(X).cast(pl.Float64).to_numpy() if self.features_ else np.empty((X.height, 0))

    # -- output --------------------------------------------------------------------------------
    def margin(self, X: Table) -> Vector:
        """The booster's raw margin (log-odds before calibration)."""
        check_is_fitted(self)
        margin = self.booster_.predict(
            self.encode(self._frame(X, reset=False)),
            raw_score=True,
            num_iteration=self.best_iteration_,
            num_threads=THREADS,
        )
        return np.asarray(margin, dtype=np.float64)

    def decision_function(self, X: Table) -> Vector:
        """Calibrated log-odds of a violation (> 0: ``predict`` says ``classes_[1]``)."""
        margin = self.margin(X)
        slope, intercept = self.calibration_
        z: Vector = slope * margin + intercept
        return z

    def predict_risk(self, X: Table) -> Vector:
        """Calibrated probability of a violation, one per row: the score tiers are cut from."""
        p: Vector = 1.0 / (1.0 + np.exp(-self.decision_function(X)))
        return p

    def predict_proba(self, X: Table) -> NDArray[np.float64]:
        """(n, 2): the probability of ``classes_[0]`` and of ``classes_[1]`` (a violation)."""
        risk = self.predict_risk(X)
        return np.column_stack([1.0 - risk, risk])

    def predict(self, X: Table) -> NDArray[Any]:
        positive = self.decision_function(X) > 0
        labels: NDArray[Any] = self.classes_[positive.astype(int)]
        return labels

    def contributions(self, X: Table) -> NDArray[np.float64]:
        """Per-feature additive contributions to the raw margin (TreeSHAP), last column the bias."""
        check_is_fitted(self)
        contributions = self.booster_.predict(
            self.encode(self._frame(X, reset=False)),
            pred_contrib=True,
            num_iteration=self.best_iteration_,
            num_threads=THREADS,
        )
        return np.asarray(contributions, dtype=np.float64)

    # -- files ---------------------------------------------------------------------------------
    def _metadata(self) -> dict[str, Any]:
        """What ``metadata.json`` says about the fitted model (callers add their own keys)."""
        return {
            "features": self.features_,
            "categories": self.categories_,
            "monotone_constraints": self.constraints_,
            "calibration": {"method": "platt", "slope": self.calibration_[0], "intercept": self.calibration_[1]},
            "best_iteration": self.best_iteration_,
            "params": {k: v for k, v in self.lightgbm_params(self.features_).items() if k != "monotone_constraints"},
        }

    def save(self, folder: Path, extra: dict[str, Any] | None = None) -> None:
        """``model.txt`` (LightGBM text model) and ``metadata.json``, each written atomically."""
        check_is_fitted(self)
        folder.mkdir(parents=True, exist_ok=True)
        text = self.booster_.model_to_string(num_iteration=self.best_iteration_)
        fsio.write_bytes(folder / MODEL_FILE, text.encode("utf-8"))
        fsio.write_json(folder / METADATA_FILE, {**self._metadata(), **(extra or {})})

    @classmethod
    def load(cls, folder: Path) -> RiskModel:
        model_path, metadata_path = folder / MODEL_FILE, folder / METADATA_FILE
        for path in (model_path, metadata_path):
            if not path.is_file():
                raise InputFileError(path, "missing; is this a model folder written by `xinyong model train`?")
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        params = {k: metadata["params"][k] for k in RECORDED_PARAMS if k in metadata.get("params", {})}
        model = cls(monotone=metadata["monotone_constraints"], categorical=tuple(metadata["categories"]), **params)
        model.features_ = metadata["features"]
        model.n_features_in_ = len(model.features_)
        model.feature_names_in_ = np.asarray(model.features_, dtype=object)
        model.classes_ = np.array([0, 1])
        model.constraints_ = metadata["monotone_constraints"]
        model.categories_ = metadata["categories"]
        model.booster_ = lgb.Booster(model_str=model_path.read_text(encoding="utf-8"))
        model.best_iteration_ = metadata["best_iteration"]
        model.calibration_ = (metadata["calibration"]["slope"], metadata["calibration"]["intercept"])
        model.metadata_ = metadata
        return model


def _vocabulary(frame: pl.DataFrame, column: str) -> list[str]:
    """An Enum column brings its fixed vocabulary; plain text learns the sorted values it has."""
    dtype = frame.schema[column]
    if isinstance(dtype, pl.Enum):
        return list(dtype.categories)
    return sorted(frame[column].drop_nulls().unique().to_list())


def platt(margin: Vector, y: Vector, weight: Vector) -> tuple[float, float]:
    """Weighted Platt scaling: (slope, intercept) minimising log-loss of sigmoid(slope·m + b)."""
    w = weight / weight.mean()

    def loss(ab: Vector) -> tuple[float, Vector]:
        z = ab[0] * margin + ab[1]
        p = 1.0 / (1.0 + np.exp(-z))
        value = np.sum(w * (np.logaddexp(0, z) - y * z))
        grad_z = w * (p - y)
        return value, np.array([np.sum(grad_z * margin), np.sum(grad_z)])

    result = minimize(loss, x0=np.array([1.0, 0.0]), jac=True, method="BFGS")
    slope, intercept = (float(v) for v in result.x)
    if slope <= 0:
        raise UsageError("calibration failed: the validation period does not rank like the model (slope ≤ 0)")
    return slope, intercept


def monotone_violations(
    model: RiskModel, X: pl.DataFrame, constraints: Mapping[str, int] | None = None, rows: int = 200, grid: int = 12
) -> list[str]:
    """Features whose constraint (the model's own, unless given) the booster breaks, found by sweeping
    each over a value grid."""
    sample = X.head(rows)
    broken: list[str] = []
    for name, direction in (model.constraints_ if constraints is None else constraints).items():
        if direction == 0 or X[name].drop_nulls().is_empty():
            continue
        values = np.unique(np.quantile(X[name].drop_nulls().cast(pl.Float64).to_numpy(), np.linspace(0, 1, grid)))
        margins = np.column_stack(
            [model.margin(sample.with_columns(pl.lit(v).cast(X.schema[name]).alias(name))) for v in values]
        )
        steps = np.diff(margins, axis=1) * direction
        if (steps < -1e-9).any():
            broken.append(name)
    return broken
