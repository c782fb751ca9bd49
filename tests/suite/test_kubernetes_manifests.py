"""deploy/kubernetes agrees with the Kubernetes schema and with the code (R-SCALE-2).

Offline and fast: no cluster. The base's files are validated as they are; `kubectl kustomize`
renders the base, the example overlay and the platform resources when kubectl is on PATH (those
checks skip, saying so, when it is not). Every rendered object is checked with kubernetes-validate
against the Kubernetes 1.37 schema (unknown fields included); the schema has no CRDs, so KEDA's
ScaledObject, Strimzi's KafkaTopic and CloudNativePG's Cluster and Database are checked here field
by field. Per service: a Deployment with /health and /ready probes, a Service, a
PodDisruptionBudget, a migration Job (database services), and a KEDA ScaledObject on its consumer
group's lag (services that consume) or a CPU HorizontalPodAutoscaler (the others); no Secret value
anywhere; a consumer's maxReplicaCount at most its topics' partition count.
"""

from __future__ import annotations

import copy
import importlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from petcare_contracts.topics import DEAD_LETTER_PARTITIONS, TOPICS, dead_letter_topic
from petcare_kit.service_spec import installed_services
from petcare_kit.settings import ServiceSettings
from pydantic import AliasChoices

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.37.0"
SERVICES = {spec.name: spec for spec in installed_services()}
# The suite's services (facility included); each must be installed here and deployed there.
EXPECTED = {"gateway", "clients", "notifications", "texting", "scheduling", "billing", "facility"}
Obj = dict[str, Any]


def consumer(name: str) -> tuple[str, list[str]] | None:
    """(consumer group, topics read) from `<name>.bootstrap` (GROUP, CONSUMES); None: reads none."""
    module = importlib.import_module(f"{name}.bootstrap")
    consumes = getattr(module, "CONSUMES", None)
    return (str(module.GROUP), list(consumes)) if consumes else None


def file_objects(folder: str) -> list[Obj]:
    """Every object in deploy/kubernetes/<folder>'s files as written (no kubectl needed)."""
    objects: list[Obj] = []
    for path in sorted((K8S / folder).rglob("*.yaml")):
        if path.name != "kustomization.yaml":
            objects += [doc for doc in yaml.safe_load_all(path.read_text()) if doc]
    return objects


def base_objects() -> list[Obj]:
    return file_objects("base")


@cache
def render(target: str) -> tuple[Obj, ...]:
    """`kubectl kustomize deploy/kubernetes/<target>`, parsed; skips when kubectl is not on PATH."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not on PATH: the kustomize rendering is not checked on this machine")
    done = subprocess.run([kubectl, "kustomize", str(K8S / target)], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return tuple(doc for doc in yaml.safe_load_all(done.stdout) if doc)


def find(objects: tuple[Obj, ...] | list[Obj], kind: str, name: str | None = None) -> list[Obj]:
    return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects: tuple[Obj, ...] | list[Obj], kind: str, name: str) -> Obj:
    found = find(objects, kind, name)
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def configmap(objects: tuple[Obj, ...], name: str) -> Obj:
    """A generated ConfigMap by its name before kustomize's hash suffix."""
    found = [o for o in find(objects, "ConfigMap") if re.fullmatch(rf"{name}(-[a-z0-9]{{10}})?", o["metadata"]["name"])]
    assert len(found) == 1, name
    return found[0]


# --- custom resources: the schema has no CRDs, so their required fields are checked here ----------

def custom_resource_problems(obj: Obj) -> list[str]:
    kind, spec = obj["kind"], obj.get("spec") or {}
    where = f"{kind} {obj.get('metadata', {}).get('name')}"
    problems = []
    if kind == "ScaledObject":
        if obj["apiVersion"] != "keda.sh/v1alpha1":
            problems.append(f"{where}: apiVersion {obj['apiVersion']}")
        if not (spec.get("scaleTargetRef") or {}).get("name"):
            problems.append(f"{where}: no spec.scaleTargetRef.name")
        if not isinstance(spec.get("maxReplicaCount"), int) or not isinstance(spec.get("minReplicaCount"), int):
            problems.append(f"{where}: minReplicaCount and maxReplicaCount must be integers")
        if not spec.get("triggers"):
            problems.append(f"{where}: no triggers")
        for trigger in spec.get("triggers") or []:
            meta = trigger.get("metadata") or {}
            required = {"kafka": ["bootstrapServers", "consumerGroup", "topic", "lagThreshold"], "cpu": ["value"]}
            if trigger.get("type") not in required:
                problems.append(f"{where}: trigger type {trigger.get('type')!r}")
                continue
            problems += [f"{where}: {trigger['type']} trigger without {field}"
                         for field in required[trigger["type"]] if not meta.get(field)]
            if not all(isinstance(value, str) for value in meta.values()):
                problems.append(f"{where}: trigger metadata values must be strings")
    elif kind == "KafkaTopic":
        if not obj["metadata"].get("labels", {}).get("strimzi.io/cluster"):
            problems.append(f"{where}: no strimzi.io/cluster label")
        if not isinstance(spec.get("partitions"), int) or not isinstance(spec.get("replicas"), int):
            problems.append(f"{where}: partitions and replicas must be integers")
    elif kind == "Cluster":
        if not isinstance(spec.get("instances"), int) or not (spec.get("storage") or {}).get("size"):
            problems.append(f"{where}: needs instances and storage.size")
    elif kind == "Database":
        if not all([spec.get("name"), spec.get("owner"), (spec.get("cluster") or {}).get("name")]):
            problems.append(f"{where}: needs name, owner and cluster.name")
    else:
        problems.append(f"{where}: neither in the Kubernetes schema nor a custom resource checked here")
    return problems


def problems_of(obj: Obj) -> list[str]:
    """What kubernetes-validate (strict: unknown fields too) or the custom-resource checks say."""
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.SchemaNotFoundError:
        return custom_resource_problems(obj)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return [f"{obj['kind']} {obj['metadata'].get('name')}: {path}: {error.message}"]
    return []


def test_the_base_and_platform_files_validate_against_the_kubernetes_schema_without_kubectl() -> None:
    objects = base_objects() + file_objects("platform")
    assert {o["kind"] for o in objects} >= {"Deployment", "Service", "PodDisruptionBudget", "Job"}
    assert [problem for obj in objects for problem in problems_of(obj)] == []


@pytest.mark.parametrize("target", ["base", "overlays/example", "platform"])
def test_every_rendered_object_validates(target: str) -> None:
    objects = render(target)
    assert objects
    assert [problem for obj in objects for problem in problems_of(obj)] == []


def test_the_validation_catches_broken_objects() -> None:
    deployment = copy.deepcopy(one(base_objects(), "Deployment", "clients"))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["httpGet"]["paht"] = "/x"
    assert problems_of(deployment)
    scaled = copy.deepcopy(one(base_objects(), "ScaledObject", "notifications"))
    del scaled["spec"]["triggers"][0]["metadata"]["consumerGroup"]
    assert any("without consumerGroup" in problem for problem in problems_of(scaled))
    assert problems_of({"apiVersion": "example.com/v1", "kind": "Unknown", "metadata": {"name": "x"}})


# --- per service ---------------------------------------------------------------------------------

def test_every_service_of_the_suite_is_installed_and_has_a_base_folder() -> None:
    assert EXPECTED <= set(SERVICES)
    assert {path.name for path in (K8S / "base").iterdir() if path.is_dir()} == set(SERVICES)


def container(obj: Obj) -> Obj:
    containers = obj["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_r_scale_2_each_service_has_its_deployment_service_budget_migration_and_autoscaler(name: str) -> None:
    spec, objects = SERVICES[name], base_objects()
    deployment = one(objects, "Deployment", name)
    app = container(deployment)
    assert app["image"].startswith(f"petcare/{name}:")
    assert {(p["name"], p["containerPort"]) for p in app["ports"]} == {("http", spec.dev_port)}
    assert app["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert app["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    assert app["resources"]["requests"]["cpu"] and app["resources"]["limits"]["memory"]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert app["securityContext"]["readOnlyRootFilesystem"] is True
    assert pod["terminationGracePeriodSeconds"] >= 30

    service = one(objects, "Service", name)
    http = {"name": "http", "port": spec.dev_port, "targetPort": "http", "protocol": "TCP"}
    assert service["spec"]["ports"] == [http]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    budget = one(objects, "PodDisruptionBudget", name)
    assert budget["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]

    jobs = find(objects, "Job", f"{name}-migrate")
    if spec.needs_database:
        migrate = container(jobs[0])
        assert migrate["image"] == app["image"]
        assert migrate["command"] == ["python", "-m", "petcare_kit.migrations", "upgrade", "--service", name]
        assert jobs[0]["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    else:
        assert jobs == []

    reads = consumer(name)
    if reads is None:
        hpa = one(objects, "HorizontalPodAutoscaler", name)
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": name}
        assert [m["resource"]["name"] for m in hpa["spec"]["metrics"]] == ["cpu"]
        assert find(objects, "ScaledObject", name) == []
    else:
        assert find(objects, "HorizontalPodAutoscaler", name) == [], "KEDA makes the HPA of a ScaledObject"
        check_scaled_object(one(objects, "ScaledObject", name), name, *reads)


def check_scaled_object(scaled: Obj, name: str, group: str, topics: list[str]) -> None:
    """Lag triggers for exactly the topics the group reads; ceiling = their partition count."""
    assert custom_resource_problems(scaled) == []
    assert scaled["spec"]["scaleTargetRef"]["name"] == name
    kafka = [t["metadata"] for t in scaled["spec"]["triggers"] if t["type"] == "kafka"]
    assert {meta["consumerGroup"] for meta in kafka} == {group}
    assert sorted(meta["topic"] for meta in kafka) == sorted(topics), f"{name} reads {topics}"
    assert all(meta.get("allowIdleConsumers", "false") == "false" for meta in kafka)
    ceiling = min(TOPICS[topic].partitions for topic in topics)
    assert 1 <= scaled["spec"]["minReplicaCount"] <= scaled["spec"]["maxReplicaCount"] <= ceiling, (
        f"{name}: a replica past {ceiling} partitions would get no partition of some topic it reads")


def test_the_example_overlay_keeps_each_consumer_under_its_partitions_and_points_keda_at_the_brokers() -> None:
    objects = render("overlays/example")
    brokers = configmap(objects, "petcare-common")["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    assert brokers != "kafka:9092", "the example overlay names the Strimzi bootstrap Service"
    for name in SERVICES:
        reads = consumer(name)
        if reads is not None:
            scaled = one(objects, "ScaledObject", name)
            check_scaled_object(scaled, name, *reads)
            assert {t["metadata"]["bootstrapServers"] for t in scaled["spec"]["triggers"] if t["type"] == "kafka"} == {
                brokers}


def test_r_scale_2_the_example_overlay_sets_replicas_images_and_namespace_per_service() -> None:
    objects = render("overlays/example")
    assert {o["metadata"].get("namespace") for o in objects} == {"petcare"}
    replicas = {}
    for name in SERVICES:
        deployment = one(objects, "Deployment", name)
        replicas[name] = deployment["spec"]["replicas"]
        image = container(deployment)["image"]
        assert re.fullmatch(rf"[a-z0-9.\-/]+/petcare/{name}:\d+\.\d+\.\d+", image), image
        for job in find(objects, "Job", f"{name}-migrate"):
            assert container(job)["image"] == image
    assert len(set(replicas.values())) > 1, replicas


FIRST_STEP = {"config", "migration"}  # docs/deployment.md: `-l 'app.kubernetes.io/component in (config,migration)'`


def wave(obj: Obj) -> int:
    return int((obj["metadata"].get("annotations") or {}).get("argocd.argoproj.io/sync-wave", "0"))


def test_migrations_run_before_the_rollout_with_what_they_read_applied_first() -> None:
    """kubectl's first step and Argo CD's waves: ConfigMaps (-2), migration Jobs (-1), the rest (0)."""
    objects = render("overlays/example")
    for job in find(objects, "Job"):
        annotations = job["metadata"]["annotations"]
        assert job["metadata"]["labels"]["app.kubernetes.io/component"] == "migration"
        assert annotations["argocd.argoproj.io/hook"] == "Sync" and wave(job) == -1
        assert annotations["argocd.argoproj.io/hook-delete-policy"] == "BeforeHookCreation"
        for source in container(job).get("envFrom", []):
            read = one(objects, "ConfigMap", source["configMapRef"]["name"])
            assert read["metadata"]["labels"]["app.kubernetes.io/component"] in FIRST_STEP and wave(read) < -1
    for obj in objects:
        if obj["kind"] not in {"Job", "ConfigMap"}:
            assert wave(obj) == 0, obj["metadata"]["name"]
            assert obj["metadata"].get("labels", {}).get("app.kubernetes.io/component") not in FIRST_STEP


# --- secrets and settings ------------------------------------------------------------------------

SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|API_KEY|AUTH|SID", re.IGNORECASE)


def walk(node: Any) -> Iterator[Any]:
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else []
    for child in children:
        yield from walk(child)


def test_no_secret_value_is_in_the_repository_files() -> None:
    for path in K8S.rglob("kustomization.yaml"):
        kustomization = yaml.safe_load(path.read_text())
        assert "secretGenerator" not in kustomization, path
        for generator in kustomization.get("configMapGenerator", []):
            keys = [literal.split("=", 1)[0] for literal in generator.get("literals", [])]
            assert not [key for key in keys if SECRET_NAME.search(key)], (path, keys)
    check_no_secret_value(file_objects("."))


@pytest.mark.parametrize("target", ["base", "overlays/example", "platform"])
def test_no_secret_value_is_in_what_is_rendered(target: str) -> None:
    check_no_secret_value(render(target))


def check_no_secret_value(objects: tuple[Obj, ...] | list[Obj]) -> None:
    """No Secret with data, and every secret-looking variable taken from a Secret."""
    for secret in find(objects, "Secret"):
        assert not secret.get("data") and not secret.get("stringData"), secret["metadata"]["name"]
    for config in find(objects, "ConfigMap"):
        assert not [key for key in config.get("data", {}) if SECRET_NAME.search(key)], config["metadata"]["name"]
    for node in walk(list(objects)):
        if isinstance(node, dict) and "name" in node and ("value" in node or "valueFrom" in node):
            if SECRET_NAME.search(node["name"]):
                assert "secretKeyRef" in node.get("valueFrom", {}), f"{node['name']} must come from a Secret"


def test_the_secret_check_catches_a_literal_secret() -> None:
    deployment = copy.deepcopy(one(base_objects(), "Deployment", "billing"))
    container(deployment)["env"].append({"name": "STRIPE_API_KEY", "value": "sk_live_x"})
    with pytest.raises(AssertionError, match="STRIPE_API_KEY must come from a Secret"):
        check_no_secret_value([deployment])
    leaked = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "x"}, "stringData": {"k": "v"}}
    with pytest.raises(AssertionError):
        check_no_secret_value([leaked])


def container_environment(objects: tuple[Obj, ...], workload: Obj) -> dict[str, str]:
    """The environment the container would get, each Secret key standing for a made-up value
    (a basic-auth `username` is the Secret's service name, as CloudNativePG's roles are named)."""
    app, env = container(workload), {}
    for source in app.get("envFrom", []):
        data = next(o for o in find(objects, "ConfigMap", source["configMapRef"]["name"]))["data"]
        env.update(data)
    for item in app.get("env", []):
        if "value" in item:
            env[item["name"]] = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                                       lambda m: env.get(m.group(1), m.group(0)), item["value"])
        else:
            ref = item["valueFrom"]["secretKeyRef"]
            env[item["name"]] = ref["name"].removesuffix("-db") if ref["key"] == "username" else "s" * 48
    return env


def settings_classes(name: str) -> list[type[ServiceSettings]]:
    module = importlib.import_module(f"{name}.config")
    return [c for c in vars(module).values()
            if isinstance(c, type) and issubclass(c, ServiceSettings) and c.__module__ == module.__name__]


def setting_names(settings: type[ServiceSettings]) -> set[str]:
    prefix, names = str(settings.model_config.get("env_prefix", "")), set()
    for field_name, field in settings.model_fields.items():
        names.add(f"{prefix}{field_name}".upper())
        alias = field.validation_alias
        choices = alias.choices if isinstance(alias, AliasChoices) else [alias] if alias else []
        names |= {str(choice).upper() for choice in choices}
    return names


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_loads_its_settings_in_production_from_the_rendered_environment(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    objects, spec = render("overlays/example"), SERVICES[name]
    env = container_environment(objects, one(objects, "Deployment", name))
    expected_url = f"postgresql+asyncpg://{name}:{'s' * 48}@petcare-db-rw:5432/{name}"
    if spec.needs_database:
        assert env[f"{spec.env_prefix}DATABASE_URL"] == expected_url
        migrate_env = container_environment(objects, one(objects, "Job", f"{name}-migrate"))
        assert migrate_env[f"{spec.env_prefix}DATABASE_URL"] == expected_url
    for settings in settings_classes(name):
        for variable in list(os.environ):
            if variable.upper() in setting_names(settings):
                monkeypatch.delenv(variable)
        for variable, value in env.items():
            monkeypatch.setenv(variable, value)
        loaded = settings()
        assert loaded.environment == "production"
        assert loaded.kafka_bootstrap_servers == env["KAFKA_BOOTSTRAP_SERVERS"]
        if spec.needs_database:
            assert loaded.database_url == expected_url


# --- the operators' resources --------------------------------------------------------------------

def test_the_strimzi_topics_have_the_partition_counts_of_the_contracts() -> None:
    topics = {t["spec"]["topicName"]: t["spec"] for t in find(file_objects("platform"), "KafkaTopic")}
    groups = {reads[0] for name in SERVICES if (reads := consumer(name))}
    expected = {name: topic.partitions for name, topic in TOPICS.items()}
    expected |= {dead_letter_topic(group): DEAD_LETTER_PARTITIONS for group in groups}
    assert {name: spec["partitions"] for name, spec in topics.items()} == expected
    assert {spec["replicas"] for spec in topics.values()} == {3}


def test_cloudnativepg_has_one_database_and_login_per_database_service() -> None:
    objects = file_objects("platform")
    roles = {r["name"]: r for r in one(objects, "Cluster", "petcare-db")["spec"]["managed"]["roles"]}
    databases = {d["spec"]["name"]: d["spec"] for d in find(objects, "Database")}
    with_database = {name for name, spec in SERVICES.items() if spec.needs_database}
    assert set(roles) == set(databases) == with_database
    for name in with_database:
        assert databases[name]["owner"] == name and roles[name]["login"] is True
        assert roles[name]["passwordSecret"]["name"] == f"{name}-db"
