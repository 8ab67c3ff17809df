"""The risk model: labels with inclusion probabilities, training sets, the estimator, metrics, report, registry."""
