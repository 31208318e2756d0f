"""Kernels: training-optimisation speedups and kernel-writing benchmarks."""
from __future__ import annotations

from .schema import Column, Dataset

TRAINING_SPEEDUP = Dataset(
    name="training_speedup",
    path="kernels/training_speedup.csv",
    title="LLM-training optimisation speedups",
    description=(
        "Anthropic's task 'optimize a CPU-only small language model training implementation': the mean "
        "speedup a model reaches, per model and per document that reported it. A reference expert "
        "solution reaches 4x, which Anthropic equates with 4-8 hours of human effort."
    ),
    caveats=(
        "Documents disagree (2.993x and 2.8x for Opus 4); the Mythos Preview value was later corrected from "
        "51.91x to 61.79x; Mythos reward-hacked this task. The series ends with Opus 4.7."
    ),
    key=("model", "reported_in", "metric_as_reported"),
    date_column="report_period",
    columns=(
        Column("model"),
        Column("model_release", "period"),
        Column("speedup_x", "number", min=0, log=True),
        Column("metric_as_reported"),
        Column("threshold_x", "number", min=0, log=True),
        Column("human_reference"),
        Column("reported_in"),
        Column("report_period", "period", description="When the reporting document appeared"),
        Column("report_date_as_written"),
        Column("role", "category", allowed=("the model's own card", "comparator in a later card", "correction",
                                            "restatement (Import AI 455)", "restatement (Anthropic Institute)")),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
)

KERNEL_FAMILIES = ("NVIDIA GPU (CUDA)", "Triton (NVIDIA GPU)", "Huawei Ascend / NPU", "several",
                   "undisclosed (Anthropic internal)")

KERNELBENCH = Dataset(
    name="kernelbench",
    path="kernels/kernelbench.csv",
    title="KernelBench and follow-ups",
    description=(
        "AI systems writing GPU and NPU kernels: KernelBench and the work that followed, by target hardware "
        "family and metric, and Anthropic's internal kernels task."
    ),
    caveats=(
        "Not comparable across rows: baselines (PyTorch eager, torch.compile, a model's own draft), task "
        "subsets and hardware differ. Sakana's 10-100x was withdrawn after a reward hack; CUDA-L1's 17.7x "
        "was revised to 3.12x. Some values are ranges or pairs and have no single number."
    ),
    key=("period", "system", "benchmark", "level", "metric", "value_as_reported"),
    date_column="period",
    columns=(
        Column("period", "period", description="Month or day of the result; for a range, its end"),
        Column("date_as_written"),
        Column("system"),
        Column("benchmark"),
        Column("level", required=False),
        Column("metric"),
        Column("value", "number", required=False, min=0, description="Empty where the source gives a range or pair"),
        Column("value_as_reported"),
        Column("unit"),
        Column("baseline"),
        Column("hardware"),
        Column("target_family", "category", allowed=KERNEL_FAMILIES),
        Column("target_as_reported"),
        Column("source_id", "source"),
        Column("note", required=False),
    ),
)

DATASETS = (TRAINING_SPEEDUP, KERNELBENCH)
