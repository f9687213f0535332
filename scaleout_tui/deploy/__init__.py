"""The design as production configuration, and production configuration as a design.

Every knob the player turns is a real setting: the balancer's algorithm, a health check's
interval and thresholds, stickiness, a scaling policy and its cooldown. This package writes a
design (a level with the player's knob values) as the files real tools read, nginx, HAProxy,
Kubernetes and AWS CloudFormation, and reads such files back as knob values for the sandbox.

- :mod:`~scaleout_tui.deploy.design`: the typed design, its settings in the knobs' vocabulary
  (``lb.algorithm``, ``health.interval_s`` ...), and what an export and an import give;
- one module per format (``nginx``, ``haproxy``, ``kubernetes``, ``cloudformation``), each a
  :class:`~scaleout_tui.deploy.design.Format` with its writer, its reader and the settings it can
  carry; the larger readers live beside their writers (``k8s_manifests``, ``cfn_templates``),
  ``proxy`` holds what nginx and HAProxy share, and ``yamlsource`` gives YAML nodes their lines;
- :mod:`~scaleout_tui.deploy.formats`: the registry, export to a folder, import of files;
- :mod:`~scaleout_tui.deploy.policy`: imported settings as a sandbox policy file.

The package sits above the content layer (it builds a level's engine configuration with the
knobs applied) and below the command line and the UI, which both call it.
"""
