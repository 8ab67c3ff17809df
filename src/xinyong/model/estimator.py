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

Estimator conventions follow scikit-learn: ``__init__`` stores its arguments, ``fit`` returns
``self``, learned state ends in ``_``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Self

import lightgbm as lgb
import numpy as np
import polars as pl
from scipy.optimize import minimize

from xinyong.errors import InputFileError, UsageError
from xinyong.workspace import fsio
from xinyong.workspace.layout import METADATA_FILE, MODEL_FILE

THREADS = 2  # part of the model's identity: LightGBM results may differ across thread counts


class RiskModel:
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

    def constraints(self) -> dict[str, int]:
        """Monotone constraint per fitted feature (0 where unconstrained)."""
        monotone = self.monotone or {}
        return {f: monotone.get(f, 0) for f in self.features_}

    def lightgbm_params(self, features: list[str]) -> dict:
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
        X: pl.DataFrame,
        y: np.ndarray,
        weight: np.ndarray,
        X_valid: pl.DataFrame,
        y_valid: np.ndarray,
        weight_valid: np.ndarray,
    ) -> Self:
        self.features_ = list(X.columns)
        # An Enum column brings its fixed vocabulary; plain text learns the sorted values it has.
        self.categories_ = {
            c: list(X.schema[c].categories)
            if isinstance(X.schema[c], pl.Enum)
            else sorted(X[c].drop_nulls().unique().to_list())
            for c in self.categorical
        }
        params = self.lightgbm_params(self.features_)
        train = lgb.Dataset(
            self._matrix(X),
            y,
            weight=weight,
            feature_name=self.features_,
            categorical_feature=list(self.categorical),
            free_raw_data=False,
        )
        valid = lgb.Dataset(self._matrix(X_valid), y_valid, weight=weight_valid, reference=train)
        self.booster_ = lgb.train(
            params,
            train,
            num_boost_round=self.max_rounds,
            valid_sets=[valid],
            callbacks=[lgb.early_stopping(self.early_stopping_rounds, verbose=False)],
        )
        self.best_iteration_ = self.booster_.best_iteration
        margin = self.decision_function(X_valid)
        self.calibration_ = platt(margin, y_valid, weight_valid)
        self.monotone_violations_ = monotone_violations(self, X)
        if self.monotone_violations_:
            raise AssertionError(f"fitted model breaks monotone constraints: {self.monotone_violations_}")
        return self

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

    def _matrix(self, X: pl.DataFrame) -> np.ndarray:
        """Dense float matrix (NaN for missing), for building training data."""
        return self.encode(X).cast(pl.Float64).to_numpy() if self.features_ else np.empty((X.height, 0))

    def decision_function(self, X: pl.DataFrame) -> np.ndarray:
        """The booster's raw margin (log-odds before calibration)."""
        return self.booster_.predict(
            self.encode(X), raw_score=True, num_iteration=self.best_iteration_, num_threads=THREADS
        )

    def predict_proba(self, X: pl.DataFrame) -> np.ndarray:
        """Calibrated probability of a violation."""
        slope, intercept = self.calibration_
        return 1.0 / (1.0 + np.exp(-(slope * self.decision_function(X) + intercept)))

    def contributions(self, X: pl.DataFrame) -> np.ndarray:
        """Per-feature additive contributions to the raw margin (TreeSHAP), last column the bias."""
        return self.booster_.predict(
            self.encode(X), pred_contrib=True, num_iteration=self.best_iteration_, num_threads=THREADS
        )

    # -- files ---------------------------------------------------------------------------------
    def save(self, folder: Path, extra: dict | None = None) -> None:
        """``model.txt`` (LightGBM text model) and ``metadata.json``, each written atomically."""
        folder.mkdir(parents=True, exist_ok=True)
        text = self.booster_.model_to_string(num_iteration=self.best_iteration_)
        fsio.write_bytes(folder / MODEL_FILE, text.encode("utf-8"))
        metadata = {
            "features": self.features_,
            "categories": self.categories_,
            "monotone_constraints": self.constraints(),
            "calibration": {"method": "platt", "slope": self.calibration_[0], "intercept": self.calibration_[1]},
            "best_iteration": self.best_iteration_,
            "params": {k: v for k, v in self.lightgbm_params(self.features_).items() if k != "monotone_constraints"},
            **(extra or {}),
        }
        fsio.write_json(folder / METADATA_FILE, metadata)

    @classmethod
    def load(cls, folder: Path) -> RiskModel:
        model_path, metadata_path = folder / MODEL_FILE, folder / METADATA_FILE
        for path in (model_path, metadata_path):
            if not path.is_file():
                raise InputFileError(path, "missing; is this a model folder written by `xinyong model train`?")
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        model = cls(monotone=metadata["monotone_constraints"], categorical=tuple(metadata["categories"]))
        model.features_ = metadata["features"]
        model.categories_ = metadata["categories"]
        model.booster_ = lgb.Booster(model_str=model_path.read_text(encoding="utf-8"))
        model.best_iteration_ = metadata["best_iteration"]
        model.calibration_ = (metadata["calibration"]["slope"], metadata["calibration"]["intercept"])
        model.metadata_ = metadata
        return model


def platt(margin: np.ndarray, y: np.ndarray, weight: np.ndarray) -> tuple[float, float]:
    """Weighted Platt scaling: (slope, intercept) minimising log-loss of sigmoid(slope·m + b)."""
    w = weight / weight.mean()

    def loss(ab: np.ndarray) -> tuple[float, np.ndarray]:
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


def monotone_violations(model: RiskModel, X: pl.DataFrame, rows: int = 200, grid: int = 12) -> list[str]:
    """Features whose constraint the booster breaks, found by sweeping each over a value grid."""
    sample = X.head(rows)
    constraints = model.constraints()
    broken = []
    for name, direction in constraints.items():
        if direction == 0 or X[name].drop_nulls().is_empty():
            continue
        values = np.unique(np.quantile(X[name].drop_nulls().cast(pl.Float64).to_numpy(), np.linspace(0, 1, grid)))
        margins = np.column_stack(
            [model.decision_function(sample.with_columns(pl.lit(v).cast(X.schema[name]).alias(name))) for v in values]
        )
        steps = np.diff(margins, axis=1) * direction
        if (steps < -1e-9).any():
            broken.append(name)
    return broken
