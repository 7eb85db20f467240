"""tasks/fix_tests"""
