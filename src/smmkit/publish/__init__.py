"""Publishing: the build that turns the notebooks into handouts, trainer editions, exercises,
solutions and the app edition (nbconvert exporters and preprocessors, paper rendering, PDF),
and the workshop agendas and guides."""
