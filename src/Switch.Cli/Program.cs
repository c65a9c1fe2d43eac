using Switch.Cli;

return Swctl.Create().Parse(args).Invoke();
