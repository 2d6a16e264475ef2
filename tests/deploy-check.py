"""The checks behind tests/deploy-check.sh (run that): compose.yaml, the Dockerfiles and the
Kubernetes overlays, read as files and as docker-compose and kubectl kustomize render them. Each
check prints "deploy check: ok WHAT" or "deploy check: FAIL WHAT: WHY"; the last line is
"deploy check: N passed, M failed", and the exit status is non-zero on any failure."""

import functools
import json
import os
import re
import shlex
import shutil
import subprocess
import sys

import yaml

# What each host is: its gRPC port, the name its health reports readiness under, where it reads
# its models from and the configuration key that says so.
SERVICES = {
    "tokenizer-svc": {
        "grpc": 50052,
        "ports": {50052, 8081, 9102},
        "health": "kazgrpc.tokenizer.v1.TokenizerService",
        "models_key": "Tokenization__ModelsDirectory",
        "project": "tokenizer-svc/KazGrpc.TokenizerSvc.csproj",
        "base": re.compile(r"^mcr\.microsoft\.com/dotnet/aspnet:10\.0(\S*)?$"),
        "base_text": "mcr.microsoft.com/dotnet/aspnet:10.0",
    },
    "inference-svc": {
        "grpc": 50051,
        "ports": {50051, 8080, 9101},
        "health": "kazgrpc.inference.v1.InferenceService",
        "models_key": "Models__ModelsDirectory",
        "project": "inference-svc/KazGrpc.InferenceSvc.csproj",
        "base": re.compile(r"^(docker\.io/|nvcr\.io/)?nvidia/cuda:13\.\d+(\.\d+)?-cudnn-runtime-ubuntu\d+\.\d+(@\S+)?$"),
        "base_text": "nvidia/cuda:13.x-cudnn-runtime-ubuntu*",
    },
}
CLI_PROJECT = "tools/KazGrpc.Tools/KazGrpc.Tools.csproj"
SDK_IMAGE = re.compile(r"^mcr\.microsoft\.com/dotnet/sdk:10\.0(\S*)?$")
# Configuration is Section__Key (the options classes' names); the .NET runtime's own settings are DOTNET_*.
CONFIG_NAME = re.compile(r"^([A-Z][A-Za-z0-9]*__[A-Z][A-Za-z0-9]*|DOTNET_[A-Za-z0-9_]+)$")
OVERLAYS = ("sidecar", "standalone")

passed = 0
failed = 0


def check(what, run):
    """Runs a check: it returns a list of problems, empty when all is well; an exception is a problem too."""
    global passed, failed
    try:
        problems = run()
    except Exception as e:  # a missing key in a rendered file is a failed check, not a crash
        problems = [f"{type(e).__name__}: {e}"]
    if problems:
        failed += 1
        # One line per check, also when a tool's message has several.
        why = " ".join("; ".join(problems).split())
        print(f"deploy check: FAIL {what}: {why}")
    else:
        passed += 1
        print(f"deploy check: ok {what}")


def run_tool(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


def port_of(address):
    return int(str(address).rsplit(":", 1)[1])


def env_of(container_or_service):
    env = container_or_service.get("environment", container_or_service.get("env")) or {}
    if isinstance(env, dict):
        return {k: "" if v is None else str(v) for k, v in env.items()}
    values = {}
    for item in env:
        if isinstance(item, dict):
            values[item["name"]] = str(item.get("value", "<valueFrom>")) if "valueFrom" not in item else "<valueFrom>"
        else:
            name, _, value = str(item).partition("=")
            values[name] = value
    return values


def config_names(env):
    return [f"{name} is not Section__Key" for name in env if not CONFIG_NAME.match(name)]


# ---------------------------------------------------------------------------------------- compose

def compose_mounts(service):
    """(source, target, read_only) for each volume, in docker-compose v1's string form or v2's long form."""
    mounts = []
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            parts = volume.split(":")
            mode = parts[2] if len(parts) > 2 else "rw"
            mounts.append((parts[0], parts[1], "ro" in mode.split(",")))
        else:
            mounts.append((volume.get("source"), volume.get("target"), bool(volume.get("read_only"))))
    return mounts


def compose_published(service):
    ports = set()
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            ports.add(int(port["published"]))
        else:
            ports.add(int(str(port).split(":")[-2]))
    return ports


def compose_checks(compose):
    services = compose.get("services") or {}

    def hardened():
        problems = []
        for name in ("models", *SERVICES):
            if name not in services:
                problems.append(f"no service {name}")
                continue
            service = services[name]
            if service.get("read_only") is not True:
                problems.append(f"{name}: read_only is not true")
            tmpfs = service.get("tmpfs") or []
            tmpfs = [tmpfs] if isinstance(tmpfs, str) else tmpfs
            if not any(t.split(":")[0] == "/tmp" for t in tmpfs):
                problems.append(f"{name}: no tmpfs on /tmp")
            if "ALL" not in (service.get("cap_drop") or []):
                problems.append(f"{name}: capabilities are not all dropped")
        return problems

    check("compose: services models, tokenizer-svc and inference-svc are read-only, with a tmpfs /tmp and no capabilities", hardened)

    def models_service():
        models = services["models"]
        problems = []
        words = (models.get("entrypoint") or []) + (models.get("command") or [])
        words = shlex.split(words) if isinstance(words, str) else words
        if "kazgrpc models prepare --models-dir /models" not in " ".join(str(w) for w in words):
            problems.append(f"models does not run `kazgrpc models prepare --models-dir /models` (runs {words})")
        if not any(target == "/models" and not ro for _, target, ro in compose_mounts(models)):
            problems.append("models does not mount its volume writable at /models")
        if models.get("image") != services["tokenizer-svc"].get("image"):
            problems.append("models does not use tokenizer-svc's image (which carries the CLI)")
        return problems

    check("compose: the one-shot models service prepares the models volume with the CLI", models_service)

    for name, spec in SERVICES.items():
        def service_config(name=name, spec=spec):
            service = services[name]
            env = env_of(service)
            problems = config_names(env)
            if env.get("Hosting__GrpcAddress") != f"0.0.0.0:{spec['grpc']}":
                problems.append(f"Hosting__GrpcAddress is {env.get('Hosting__GrpcAddress')!r}, not 0.0.0.0:{spec['grpc']}")
            for key in ("Hosting__MetricsAddress", "Hosting__HttpAddress"):
                if not env.get(key, "").startswith("0.0.0.0:"):
                    problems.append(f"{key} does not bind 0.0.0.0")
            if env.get(spec["models_key"]) != "/models":
                problems.append(f"{spec['models_key']} is not /models")
            if not any(source == "models" and target == "/models" and ro for source, target, ro in compose_mounts(service)):
                problems.append("the models volume is not mounted read-only at /models")
            missing = spec["ports"] - compose_published(service)
            if missing:
                problems.append(f"ports {sorted(missing)} are not published")
            test = (service.get("healthcheck") or {}).get("test")
            if test != ["CMD", "kazgrpc", "health", f"127.0.0.1:{spec['grpc']}"]:
                problems.append(f"the health check is {test}, not the CLI's `kazgrpc health 127.0.0.1:{spec['grpc']}`")
            return problems

        check(f"compose: {name} binds 0.0.0.0, reads /models read-only, publishes {sorted(spec['ports'])}, is probed by `kazgrpc health`", service_config)

    def order():
        def conditions(name):
            depends = services[name].get("depends_on") or {}
            return {k: (v or {}).get("condition") for k, v in depends.items()} if isinstance(depends, dict) else {k: None for k in depends}
        problems = []
        for name in SERVICES:
            if conditions(name).get("models") != "service_completed_successfully":
                problems.append(f"{name} does not wait for models to complete successfully")
        if conditions("inference-svc").get("tokenizer-svc") != "service_healthy":
            problems.append("inference-svc does not wait for a healthy tokenizer-svc")
        address = env_of(services["inference-svc"]).get("Tokenizer__Address")
        if address != f"http://tokenizer-svc:{SERVICES['tokenizer-svc']['grpc']}":
            problems.append(f"inference-svc's Tokenizer__Address is {address!r}")
        return problems

    check("compose: models, then a healthy tokenizer-svc, then inference-svc, which calls tokenizer-svc by name", order)

    def gpu():
        devices = services["inference-svc"]["deploy"]["resources"]["reservations"]["devices"]
        if any(d.get("driver") == "nvidia" and "gpu" in (d.get("capabilities") or []) for d in devices):
            return []
        return [f"no nvidia gpu device reservation in {devices}"]

    check("compose: inference-svc reserves an NVIDIA GPU", gpu)


# ------------------------------------------------------------------------------------ Dockerfiles

def dockerfile_stages(path):
    """The stages of a Dockerfile: each a dict with its base image and its (INSTRUCTION, arguments)."""
    lines, current = [], ""
    with open(path, encoding="utf-8") as file:
        for raw in file:
            line = raw.rstrip("\n")
            if line.lstrip().startswith("#"):
                continue
            if line.endswith("\\"):
                current += line[:-1] + " "
                continue
            current += line
            if current.strip():
                lines.append(current.strip())
            current = ""
    global_args, stages = {}, []
    for line in lines:
        instruction, _, rest = line.partition(" ")
        instruction, rest = instruction.upper(), rest.strip()
        if instruction == "ARG" and not stages:
            name, _, default = rest.partition("=")
            global_args[name] = default.strip('"')
        elif instruction == "FROM":
            image = re.sub(r"\$\{?(\w+)\}?", lambda m: global_args.get(m.group(1), m.group(0)), rest.split()[0])
            stages.append({"from": image, "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((instruction, rest))
    return stages


def env_settings(instructions):
    values = {}
    for instruction, rest in instructions:
        if instruction == "ENV":
            for word in shlex.split(rest):
                name, _, value = word.partition("=")
                values[name] = value
    return values


def runtime_env():
    """build/service-runtime.env's NAME=value lines, the settings run.sh and test.sh give the services."""
    values = {}
    with open("build/service-runtime.env", encoding="utf-8") as file:
        for line in file:
            line = line.strip()
            if line and not line.startswith("#"):
                name, _, value = line.partition("=")
                values[name] = value
    return values


def dockerfile_checks():
    for name, spec in SERVICES.items():
        path = f"{name}/Dockerfile"

        def final_stage(path=path, spec=spec):
            stages = dockerfile_stages(path)
            final = stages[-1]
            problems = []
            if not spec["base"].match(final["from"]):
                problems.append(f"the final stage is FROM {final['from']}, not {spec['base_text']}")
            users = [rest for instruction, rest in final["instructions"] if instruction == "USER"]
            if not users:
                problems.append("the final stage sets no USER")
            else:
                ids = users[-1].split(":")
                if not all(i.isdigit() and int(i) != 0 for i in ids):
                    problems.append(f"USER {users[-1]} is not a numeric non-root user (and group)")
            if not any(instruction == "ENTRYPOINT" for instruction, _ in final["instructions"]):
                problems.append("the final stage has no ENTRYPOINT")
            env = env_settings(final["instructions"])
            for key, value in runtime_env().items():
                if env.get(key) != value:
                    problems.append(f"ENV {key} is {env.get(key)!r}, build/service-runtime.env says {value!r}")
            return problems

        check(f"{path}: the final stage is {spec['base_text']}, runs as a numeric non-root USER, with build/service-runtime.env's settings", final_stage)

        def build_stage(path=path, name=name, spec=spec):
            stages = dockerfile_stages(path)
            problems = []
            if not SDK_IMAGE.match(stages[0]["from"]):
                problems.append(f"the build stage is FROM {stages[0]['from']}, not mcr.microsoft.com/dotnet/sdk:10.0")
            runs = " ".join(rest for stage in stages[:-1] for instruction, rest in stage["instructions"] if instruction == "RUN")
            publishes = re.findall(r"dotnet publish (\S+)([^&]*)", runs)
            projects = {project: options for project, options in publishes}
            for project in (spec["project"], CLI_PROJECT):
                if project not in projects:
                    problems.append(f"it does not publish {project}")
                elif not os.path.isfile(project):
                    problems.append(f"{project} does not exist")
            if name == "inference-svc":
                for project in (spec["project"], CLI_PROJECT):
                    options = projects.get(project, "")
                    if "--self-contained" not in options or "-r linux-x64" not in options:
                        problems.append(f"{project} is not published self-contained for linux-x64 (the CUDA image has no .NET)")
            return problems

        check(f"{path}: builds on the .NET 10 SDK and publishes {name} and the kazgrpc CLI", build_stage)

    def dockerignore():
        with open(".dockerignore", encoding="utf-8") as file:
            patterns = {line.strip().rstrip("/") for line in file if line.strip() and not line.startswith("#")}
        wanted = {"**/bin", "**/obj", "models", "**/node_modules", "**/TestResults", "bench-results"}
        return [f".dockerignore does not exclude {p}/" for p in sorted(wanted - patterns)]

    check(".dockerignore keeps build outputs, models, node_modules and results out of the build context", dockerignore)


# ------------------------------------------------------------------------------------- Kubernetes

@functools.cache
def instruments():
    """Prometheus names of the instruments the services create (kazgrpc.batch.queue_length -> kazgrpc_batch_queue_length).
    Read once: the dashboard and each overlay's HPA ask."""
    names = set()
    for root in ("services", "inference-svc", "tokenizer-svc"):
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = [d for d in subdirectories if d not in ("bin", "obj")]
            for file in files:
                if file.endswith(".cs"):
                    with open(os.path.join(directory, file), encoding="utf-8") as source:
                        text = source.read()
                    names.update(n.replace(".", "_") for n in re.findall(r'\bCreate\w*(?:<\w+>)?\(\s*"([a-z0-9_.]+)"', text))
    return frozenset(names)


def dashboard_checks():
    path = "deploy/grafana/kazgrpc-dashboard.json"

    def dashboard():
        with open(path, encoding="utf-8") as file:
            board = json.load(file)
        exprs = [t["expr"] for p in board.get("panels", []) for t in p.get("targets", [])]
        if len(exprs) < 10:
            return [f"only {len(exprs)} queries"]
        known = instruments()
        used = {re.sub(r"(_total|_seconds)$", "", re.sub(r"_(bucket|count|sum)$", "", m)) for e in exprs for m in re.findall(r"kazgrpc_[a-z0-9_]+", e)}
        problems = [f"{m} is no instrument the services create" for m in sorted(used - known)]
        problems += [f"{m} is on no panel" for m in sorted(known - used)]
        return problems

    check(f"{path}: valid JSON whose queries chart every kazgrpc metric the services create, and only those", dashboard)


def selects(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def pod_containers(deployment):
    """The pod's long-running containers (native sidecars included) and its one-shot init containers."""
    spec = deployment["spec"]["template"]["spec"]
    inits = spec.get("initContainers") or []
    running = list(spec["containers"]) + [c for c in inits if c.get("restartPolicy") == "Always"]
    return running, [c for c in inits if c.get("restartPolicy") != "Always"]


def k8s_checks(overlay, objects):
    def find(kind, name=None):
        return [o for o in objects if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]

    deployments = find("Deployment")
    inference = find("Deployment", "inference-svc")[0] if find("Deployment", "inference-svc") else None

    def every_container():
        """(deployment, container) for each container of each Deployment, init containers included."""
        for deployment in deployments:
            spec = deployment["spec"]["template"]["spec"]
            for container in spec["containers"] + (spec.get("initContainers") or []):
                yield deployment, container

    def service_containers():
        """(deployment, container, spec) for every container that runs a KazGrpc host."""
        found = []
        for deployment in deployments:
            running, _ = pod_containers(deployment)
            found += [(deployment, c, SERVICES[c["name"]]) for c in running if c["name"] in SERVICES]
        return found

    def probes():
        problems = []
        for _, container, spec in service_containers():
            name = container["name"]
            ports = {p.get("name"): p["containerPort"] for p in container.get("ports") or []}
            if spec["grpc"] not in ports.values():
                problems.append(f"{name} does not expose port {spec['grpc']}")
            if port_of(env_of(container).get("Hosting__GrpcAddress", ":0")) != spec["grpc"]:
                problems.append(f"{name}'s Hosting__GrpcAddress is not on port {spec['grpc']}")
            for kind in ("startupProbe", "livenessProbe", "readinessProbe"):
                probe = container.get(kind)
                if not probe or "grpc" not in probe:
                    problems.append(f"{name} has no gRPC {kind}")
                elif probe["grpc"].get("port") != spec["grpc"]:
                    problems.append(f"{name}'s {kind} asks port {probe['grpc'].get('port')}, not {spec['grpc']}")
            liveness = (container.get("livenessProbe") or {}).get("grpc") or {}
            if liveness.get("service") != "liveness":
                problems.append(f"{name}'s liveness asks for {liveness.get('service')!r}, not 'liveness' (SERVING while the process answers)")
            readiness = (container.get("readinessProbe") or {}).get("grpc") or {}
            if readiness.get("service") != spec["health"]:
                problems.append(f"{name}'s readiness asks for {readiness.get('service')!r}, not {spec['health']}")
        if not service_containers():
            problems.append("no container runs inference-svc or tokenizer-svc")
        return problems

    check(f"k8s {overlay}: every host has gRPC start-up, liveness and readiness probes (liveness on 'liveness', readiness on its service's health name)", probes)

    def gpu():
        container = next(c for c in pod_containers(inference)[0] if c["name"] == "inference-svc")
        resources = container.get("resources") or {}
        problems = []
        for part in ("requests", "limits"):
            if str((resources.get(part) or {}).get("nvidia.com/gpu")) != "1":
                problems.append(f"inference-svc's {part} have no nvidia.com/gpu: 1")
        if not (resources.get("requests") or {}).get("memory") or not (resources.get("limits") or {}).get("memory"):
            problems.append("inference-svc has no memory request and limit")
        return problems

    check(f"k8s {overlay}: inference-svc requests and is limited to nvidia.com/gpu: 1", gpu)

    def headless():
        services = find("Service", "inference-svc")
        if not services:
            return ["no Service inference-svc"]
        service, problems = services[0], []
        if service["spec"].get("clusterIP") != "None":
            problems.append(f"clusterIP is {service['spec'].get('clusterIP')!r}, not None")
        if not selects(service["spec"].get("selector"), inference["spec"]["template"]["metadata"]["labels"]):
            problems.append("its selector does not select the inference pods")
        if SERVICES["inference-svc"]["grpc"] not in [p["port"] for p in service["spec"]["ports"]]:
            problems.append("it has no gRPC port")
        return problems

    check(f"k8s {overlay}: inference-svc's Service is headless (clusterIP: None) and selects its pods", headless)

    def hpa():
        hpas = find("HorizontalPodAutoscaler")
        if not hpas:
            return ["no HorizontalPodAutoscaler"]
        problems, known = [], instruments()
        for h in hpas:
            if h["apiVersion"] != "autoscaling/v2":
                problems.append(f"{h['metadata']['name']} is {h['apiVersion']}, not autoscaling/v2")
        targets = [h for h in hpas if h["spec"]["scaleTargetRef"].get("kind") == "Deployment" and h["spec"]["scaleTargetRef"].get("name") == "inference-svc"]
        if not targets:
            return problems + ["no HPA scales Deployment inference-svc"]
        metrics = [m["pods"]["metric"]["name"] for m in targets[0]["spec"].get("metrics") or [] if m.get("type") == "Pods"]
        if "kazgrpc_generation_waiting" not in metrics:
            problems.append(f"its Pods metrics are {metrics}, without kazgrpc_generation_waiting")
        problems += [f"{m} is no instrument the services create" for m in metrics if m not in known]
        return problems

    check(f"k8s {overlay}: an autoscaling/v2 HPA scales inference-svc on the queue-length Pods metrics the services export", hpa)

    def pdbs():
        problems = []
        budgets = find("PodDisruptionBudget")
        for deployment in deployments:
            labels = deployment["spec"]["template"]["metadata"]["labels"]
            covering = [b for b in budgets if selects((b["spec"].get("selector") or {}).get("matchLabels"), labels)]
            if not covering:
                problems.append(f"no PodDisruptionBudget selects {deployment['metadata']['name']}'s pods")
            elif not any("minAvailable" in b["spec"] or "maxUnavailable" in b["spec"] for b in covering):
                problems.append(f"{deployment['metadata']['name']}'s budget sets neither minAvailable nor maxUnavailable")
        return problems

    check(f"k8s {overlay}: a PodDisruptionBudget covers every Deployment", pdbs)

    def security():
        problems = []
        for deployment, container in every_container():
            pod = deployment["spec"]["template"]["spec"].get("securityContext") or {}
            where = f"{deployment['metadata']['name']}/{container['name']}"
            context = {**pod, **(container.get("securityContext") or {})}
            if context.get("runAsNonRoot") is not True or not isinstance(context.get("runAsUser"), int) or context["runAsUser"] == 0:
                problems.append(f"{where} is not runAsNonRoot with a non-zero runAsUser")
            if context.get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where} has a writable root filesystem")
            if context.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where} may gain privileges")
            if "ALL" not in ((context.get("capabilities") or {}).get("drop") or []):
                problems.append(f"{where} keeps capabilities")
            if not any(m["mountPath"] == "/tmp" for m in container.get("volumeMounts") or []):
                problems.append(f"{where} has no writable /tmp")
        return problems

    check(f"k8s {overlay}: every container runs non-root, read-only root filesystem, no capabilities, /tmp a volume", security)

    def models():
        problems = []
        for deployment, container, spec in service_containers():
            pod = deployment["spec"]["template"]["spec"]
            directory = env_of(container).get(spec["models_key"])
            mount = next((m for m in container.get("volumeMounts") or [] if m["mountPath"] == directory), None)
            if not mount or mount.get("readOnly") is not True:
                problems.append(f"{container['name']} does not mount its {spec['models_key']} ({directory}) read-only")
                continue
            volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
            _, inits = pod_containers(deployment)
            fillers = [c for c in inits
                       if "kazgrpc models prepare" in " ".join(c.get("command", []) + c.get("args", []))
                       and any(m["name"] == mount["name"] and not m.get("readOnly") for m in c.get("volumeMounts") or [])]
            if "persistentVolumeClaim" not in volume and not fillers:
                problems.append(f"{container['name']}'s models volume is neither a PVC nor filled by `kazgrpc models prepare`")
        return problems

    check(f"k8s {overlay}: models come from a volume, filled by `kazgrpc models prepare` in an init container, mounted read-only", models)

    def configuration():
        problems = []
        for _, container in every_container():
            problems += [f"{container['name']}: {p}" for p in config_names(env_of(container))]
            if container["name"] in SERVICES and container.get("args"):
                problems.append(f"{container['name']} is configured by arguments")
        return problems

    check(f"k8s {overlay}: configuration is Section__Key environment variables", configuration)

    def images():
        problems = []
        for _, container in every_container():
            image = container["image"]
            tag = image.rsplit("/", 1)[-1].partition(":")[2]
            if not tag or tag == "latest":
                problems.append(f"{container['name']}'s image {image} has no tag but latest")
        return problems

    check(f"k8s {overlay}: every image has a tag (set by the overlay's images:)", images)

    address = env_of(next(c for c in pod_containers(inference)[0] if c["name"] == "inference-svc")).get("Tokenizer__Address", "")
    match = re.match(r"^http://([^:/]+):(\d+)/?$", address)
    names_in_pod = [c["name"] for c in pod_containers(inference)[0]]

    if overlay == "sidecar":
        def sidecar():
            problems = []
            if "tokenizer-svc" not in names_in_pod:
                problems.append(f"the inference pod runs {names_in_pod}, no tokenizer-svc")
            if find("Deployment", "tokenizer-svc"):
                problems.append("there is a tokenizer-svc Deployment besides the sidecar")
            if not match or match.group(1) not in ("127.0.0.1", "localhost") or int(match.group(2)) != SERVICES["tokenizer-svc"]["grpc"]:
                problems.append(f"inference-svc's Tokenizer__Address is {address!r}, not the sidecar on localhost")
            return problems

        check("k8s sidecar: tokenizer-svc is a sidecar of the inference pod, called on localhost", sidecar)
    else:
        def standalone():
            problems = []
            tokenizers = find("Deployment", "tokenizer-svc")
            if not tokenizers:
                return ["no tokenizer-svc Deployment"]
            if "tokenizer-svc" in names_in_pod:
                problems.append("the inference pod runs a tokenizer-svc too")
            if not match:
                return problems + [f"inference-svc's Tokenizer__Address is {address!r}"]
            services = find("Service", match.group(1))
            if not services:
                problems.append(f"Tokenizer__Address names {match.group(1)}, which is no Service")
            else:
                service = services[0]
                if not selects(service["spec"].get("selector"), tokenizers[0]["spec"]["template"]["metadata"]["labels"]):
                    problems.append(f"Service {match.group(1)} does not select the tokenizer pods")
                if int(match.group(2)) not in [p["port"] for p in service["spec"]["ports"]]:
                    problems.append(f"Service {match.group(1)} has no port {match.group(2)}")
            return problems

        check("k8s standalone: tokenizer-svc is its own Deployment behind the Service that Tokenizer__Address names", standalone)


def main():
    # compose.yaml
    if not shutil.which("docker-compose"):
        check("compose.yaml is valid (docker-compose config -q)", lambda: ["docker-compose is not installed (Debian docker-compose, tests/apt-packages.txt)"])
    else:
        result = run_tool(["docker-compose", "-f", "compose.yaml", "config", "-q"])
        check("compose.yaml is valid (docker-compose config -q)", lambda: [result.stderr.strip() or f"exit {result.returncode}"] if result.returncode else [])
        if result.returncode == 0:
            compose_checks(yaml.safe_load(run_tool(["docker-compose", "-f", "compose.yaml", "config"]).stdout))

    dockerfile_checks()

    for overlay in OVERLAYS:
        what = f"k8s {overlay}: kubectl kustomize deploy/k8s/overlays/{overlay} renders"
        if not shutil.which("kubectl"):
            check(what, lambda: ["kubectl is not installed"])
            continue
        result = run_tool(["kubectl", "kustomize", f"deploy/k8s/overlays/{overlay}"])
        check(what, lambda: [result.stderr.strip() or f"exit {result.returncode}"] if result.returncode else [])
        if result.returncode == 0:
            objects = [o for o in yaml.safe_load_all(result.stdout) if o]
            if any(o["kind"] == "Deployment" and o["metadata"]["name"] == "inference-svc" for o in objects):
                k8s_checks(overlay, objects)
            else:
                check(f"k8s {overlay}: renders a Deployment inference-svc", lambda: ["none rendered"])

    dashboard_checks()

    print(f"deploy check: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
