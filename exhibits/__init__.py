"""exhibits: curators' exhibitions of archive items, and their export for print and display."""
