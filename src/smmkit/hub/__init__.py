"""smmkit on a company JupyterHub: nbgitpuller links that hand each user the module notebooks
(see docs/jupyterhub.md and deploy/jupyterhub/)."""

from .links import VIEWS, ModuleLink, module_links, nbgitpuller_link

__all__ = ["VIEWS", "ModuleLink", "module_links", "nbgitpuller_link"]
